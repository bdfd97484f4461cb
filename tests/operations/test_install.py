"""What can be checked of the container and the install without Docker or a network.

examples/container_demo.sh builds the image and runs the walkthrough in it where Docker exists.
"""

from __future__ import annotations

import json
import re
import shlex
import tomllib
from pathlib import Path

import yaml

from bot import __version__
from bot.__main__ import SHIPPED_SCRIPTS, _parser, demo_script, main

REPO = Path(__file__).resolve().parents[2]


def dockerfile() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of the Dockerfile, continuation lines joined."""
    text = re.sub(r"\\\n\s*", " ", (REPO / "Dockerfile").read_text())
    lines = [line.strip() for line in text.splitlines()]
    return [
        (line.split(None, 1)[0].upper(), line.split(None, 1)[1])
        for line in lines
        if line and not line.startswith("#")
    ]


def final_stage() -> list[tuple[str, str]]:
    """The instructions of the image that ships (after the last FROM)."""
    steps = dockerfile()
    last = max(i for i, (op, _) in enumerate(steps) if op == "FROM")
    return steps[last:]


def test_every_copy_source_exists() -> None:
    copies = [shlex.split(args) for op, args in dockerfile() if op == "COPY"]
    sources = [part for args in copies if not args[0].startswith("--from") for part in args[:-1]]
    assert sources, "the Dockerfile copies the project in"
    for source in sources:
        assert (REPO / source).exists(), f"COPY {source}: no such file in the repository"
    # bot/sandbox/demo_scripts holds links into examples/: the image must have what they point at.
    assert "examples" in {s.rstrip("/").removeprefix("./") for s in sources}


def test_the_image_runs_as_a_user_not_root_with_one_volume() -> None:
    steps = final_stage()
    users = [args for op, args in steps if op == "USER"]
    assert users and users[-1] not in {"root", "0"}
    assert [op for op, _ in steps].index("USER") < [op for op, _ in steps].index("ENTRYPOINT")
    volumes = [json.loads(args) for op, args in steps if op == "VOLUME"]
    assert volumes == [["/data"]]
    env = " ".join(args for op, args in steps if op == "ENV")
    assert "DATABASE_PATH=/data/" in env and "PSEUDONYM_KEY_FILE=/data/" in env


def test_the_healthcheck_is_the_status_command() -> None:
    [check] = [args for op, args in final_stage() if op == "HEALTHCHECK"]
    command = json.loads(check.split("CMD", 1)[1])
    assert command[:3] == ["python", "-m", "bot"]
    parsed = _parser().parse_args(command[3:])  # a real command of the CLI, not a guess
    assert parsed.command == "status"
    [entry] = [json.loads(args) for op, args in final_stage() if op == "ENTRYPOINT"]
    assert entry == ["python", "-m", "bot"]


def test_compose_mounts_the_volume_and_reads_the_env_file() -> None:
    compose = yaml.safe_load((REPO / "compose.yaml").read_text())
    service = compose["services"]["bot"]
    assert service["build"] == "." and service["env_file"] == ".env"
    assert any(volume.endswith(":/data") for volume in service["volumes"])
    assert service["environment"]["DATABASE_PATH"].startswith("/data/")
    assert service["stop_signal"] == "SIGTERM"


def test_the_lock_pins_every_dependency_of_pyproject() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    wanted = (
        project["dependencies"]
        + project["optional-dependencies"]["metrics"]
        + project["optional-dependencies"]["sentry"]
    )
    pinned = dict(
        line.split("==", 1)
        for line in (REPO / "requirements.lock").read_text().splitlines()
        if "==" in line and not line.startswith("#")
    )
    for requirement in wanted:
        name = re.split(r"[\[~=<>! ]", requirement, maxsplit=1)[0].lower()
        assert name in pinned, f"{name} is not pinned in requirements.lock"
    assert "phonenumbers" not in pinned  # the lite package brings the same module, smaller


def test_version_license_and_shipped_demo_scripts(capsys) -> None:  # type: ignore[no-untyped-def]
    try:
        main(["--version"])
    except SystemExit as exit_:
        assert exit_.code == 0
    assert capsys.readouterr().out.strip() == f"python -m bot {__version__}"
    assert "MIT License" in (REPO / "LICENSE").read_text()
    for name in SHIPPED_SCRIPTS:
        script = demo_script(name)
        assert script is not None
        assert script.read_text() == (REPO / "examples" / f"{name}.txt").read_text()
    assert main(["demo", "--script", "no-such-script"]) == 2
    assert "No demo script 'no-such-script'" in capsys.readouterr().err
