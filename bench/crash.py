"""Benchmark 5: kill -9 the real bot process during a wave, 20 times; count lost and duplicates.

Runs `python -m bot` against the HTTP sandbox (TELEGRAM_BASE_URL=http://127.0.0.1:PORT/bot) with
mentees seeded in its database, all due a check-in prompt now. Each round waits until the bot is
sending, lets it run for a random moment, then SIGKILLs it and starts it again. Finally it lets
the last process finish the wave and prints what arrived: every mentee must get exactly one
prompt (target: 0 lost, per kill at most as many duplicates as sends were in flight: 1 to 8,
sized to rate x round trip). `--latency` makes the fake Telegram answer after that many seconds.

    python bench/crash.py [--members 2000] [--kills 20] [--rate 100] [--latency 0.15]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._seed import seed_mentees, wait_for
from bot.delivery.pacing import MAX_IN_FLIGHT
from bot.sandbox.fake_telegram import FakeTelegram
from bot.sandbox.http import SandboxHttpServer
from storage.db import Database

ROOT = Path(__file__).resolve().parents[1]
COORDINATORS = -1001000000001


def delivered(fake: FakeTelegram, chats: list[int]) -> dict[int, int]:
    """How many bot messages each member's chat holds."""
    return {chat: len(fake.messages.get(chat, {})) for chat in chats}


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=2000)
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--rate", type=float, default=100.0)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument(
        "--latency",
        type=float,
        default=0.0,
        help="Telegram's round trip in seconds (e.g. 0.08, 0.15)",
    )
    args = parser.parse_args()
    rng = random.Random(args.seed)
    folder = Path(tempfile.mkdtemp(prefix="bench-crash-"))
    database = folder / "companion.sqlite3"
    db = await Database.open(database)
    await db.close()
    now = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=1)
    chats = seed_mentees(database, args.members, due_at=now)
    fake = FakeTelegram(spec=True)
    fake.faults.latency = args.latency
    server = await SandboxHttpServer(fake).start()
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "BOT_TOKEN": "123456:CRASH-TEST",
        "COORDINATOR_CHAT_ID": str(COORDINATORS),
        "DATABASE_PATH": str(database),
        "PSEUDONYM_KEY_FILE": str(folder / "pseudonym.key"),
        "TELEGRAM_BASE_URL": server.base_url,
        "RATE_GLOBAL_PER_SECOND": str(args.rate),
        "LOG_LEVEL": "WARNING",
    }
    log = open(folder / "bot.log", "wb")  # noqa: SIM115, ASYNC230 (a benchmark; closed at the end)

    def start() -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [sys.executable, "-W", "ignore", "-m", "bot"],
            cwd=folder,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )

    def total() -> int:
        return sum(delivered(fake, chats).values())

    def duplicates_so_far() -> int:
        return sum(n - 1 for n in delivered(fake, chats).values() if n > 1)

    per_kill: list[int] = []  # duplicates that showed up in the life after each kill

    print(
        f"{args.members} mentees due a prompt, global rate {args.rate:g}/s, round trip "
        f"{args.latency * 1000:.0f} ms, {args.kills} SIGKILLs at random moments"
    )
    kills = 0
    started = time.perf_counter()
    for round_ in range(args.kills):
        before, dups_before = total(), duplicates_so_far()
        if round_:
            per_kill.append(0)
        if before >= args.members:
            print(f"the wave finished after {round_} kills")
            break
        process = start()
        sending = await wait_for(lambda before=before: total() > before, limit=60)
        if not sending:
            process.kill()
            raise SystemExit("the bot did not start sending within 60 s; see " + str(folder))
        await asyncio.sleep(rng.uniform(0.0, 1.0))
        process.send_signal(signal.SIGKILL)
        await asyncio.to_thread(process.wait)
        kills += 1
        if round_:
            per_kill[-1] = duplicates_so_far() - dups_before
        print(
            f"  kill {kills:2}: {total() - before:4} messages in this life, "
            f"{total():5} delivered so far",
            flush=True,
        )
    dups_before = duplicates_so_far()
    process = start()
    finished = await wait_for(
        lambda: sum(1 for n in delivered(fake, chats).values() if n) == args.members, limit=120
    )
    await asyncio.sleep(1.0)  # anything else (a late duplicate) would show now
    process.send_signal(signal.SIGTERM)
    await asyncio.to_thread(process.wait)
    elapsed = time.perf_counter() - started
    per_kill.append(duplicates_so_far() - dups_before)
    counts = delivered(fake, chats)
    lost = sum(1 for n in counts.values() if n == 0)
    duplicates = sum(n - 1 for n in counts.values() if n > 1)
    connection = sqlite3.connect(database)
    statuses = dict(connection.execute("SELECT status, COUNT(*) FROM outbox GROUP BY status"))
    connection.close()
    await server.stop()
    log.close()
    print(
        f"finished: {finished} in {elapsed:.0f} s · kills: {kills} · lost: {lost} · "
        f"duplicates: {duplicates} ({duplicates / max(kills, 1):.2f} per kill, target <= the "
        f"sends in flight, at most {MAX_IN_FLIGHT}) · "
        f"most from one kill: {max(per_kill, default=0)} · "
        f"outbox: {statuses} · API violations: {len(fake.violations)}"
    )


if __name__ == "__main__":
    asyncio.run(main())
