#!/bin/sh
# Build the image and test it: the scripted walkthrough runs inside it, `status` answers, the
# process is not root. Needs Docker (not available where this project is developed and tested).
set -eu
cd "$(dirname "$0")/.."
image=peer-companion-bot:check
docker build -t "$image" .
echo "== version"
docker run --rm "$image" --version
echo "== user (must not be 0)"
uid=$(docker run --rm --entrypoint id "$image" -u)
[ "$uid" != 0 ] || { echo "the image runs as root" >&2; exit 1; }
echo "uid $uid"
echo "== the walkthrough, inside the image, on a read-only root file system"
docker run --rm --read-only --tmpfs /tmp --cap-drop ALL "$image" demo --script walkthrough \
    --files /tmp/demo-output | tail -n 5
echo "== status on a fresh volume (exit 0: nothing needs a person yet)"
volume=companion-check-$$
docker volume create "$volume" >/dev/null
trap 'docker volume rm -f "$volume" >/dev/null' EXIT
docker run --rm -v "$volume:/data" -e BOT_TOKEN=123456:container-check \
    -e COORDINATOR_CHAT_ID=-1001 "$image" status
echo "container check passed"
