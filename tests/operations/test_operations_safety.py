"""Operator commands that cannot destroy data: backup onto itself or over a file, restore under a
running bot, two bots on one database, a mistyped path, and no token needed to look."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import sys
from pathlib import Path

from bot.sandbox.harness import COORDINATOR_CHAT_ID, SANDBOX_TOKEN
from storage.db import Database
from storage.lock import InstanceLock, lock_path

REPO = Path(__file__).resolve().parents[2]


async def command(folder: Path, database: Path, *args: str, token: bool = False) -> tuple[int, str]:
    """`python -m bot ...` in its own process; without BOT_TOKEN unless asked."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("BOT_TOKEN", "COORDINATOR_CHAT_ID")
    }
    env |= {
        "DATABASE_PATH": str(database),
        "PSEUDONYM_KEY_FILE": str(folder / "key"),
        "PYTHONPATH": str(REPO),
    }
    if token:
        env |= {
            "BOT_TOKEN": SANDBOX_TOKEN,
            "COORDINATOR_CHAT_ID": str(COORDINATOR_CHAT_ID),
            "TELEGRAM_BASE_URL": "http://127.0.0.1:9/bot",
        }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *args,
        cwd=folder,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode is not None
    return process.returncode, output.decode()


async def live_database(folder: Path) -> Path:
    """A database holding one row we can look for."""
    path = folder / "live.sqlite3"
    db = await Database.open(path)
    await db.execute("INSERT INTO kv (key, value) VALUES ('canary', 'still here')")
    await db.close()
    return path


def matching(folder: Path, pattern: str) -> list[Path]:
    """Files in a folder whose names match a glob pattern."""
    return sorted(folder.glob(pattern))


def wal_size(database: Path) -> int:
    """Bytes in the database's write-ahead log."""
    return Path(f"{database}-wal").stat().st_size


def canary(path: Path) -> str:
    """The row `live_database` wrote, read back from the file."""
    with sqlite3.connect(path) as connection:
        return str(connection.execute("SELECT value FROM kv WHERE key = 'canary'").fetchone()[0])


async def test_backup_onto_the_live_database_is_refused_and_destroys_nothing(
    tmp_path: Path,
) -> None:
    database = await live_database(tmp_path)
    size = database.stat().st_size
    code, output = await command(tmp_path, database, "backup", str(database))
    assert code == 2 and "onto itself" in output
    (tmp_path / "link.sqlite3").symlink_to(database)  # the same file by another name
    code, output = await command(tmp_path, database, "backup", str(tmp_path / "link.sqlite3"))
    assert code == 2 and "onto itself" in output
    assert database.stat().st_size == size and canary(database) == "still here"


async def test_backup_never_overwrites_unless_forced_and_needs_no_token(tmp_path: Path) -> None:
    database = await live_database(tmp_path)
    target = tmp_path / "copy.sqlite3"
    target.write_bytes(b"last week's backup")
    code, output = await command(tmp_path, database, "backup", str(target))
    assert code == 2 and "already exists" in output and "--force" in output
    assert target.read_bytes() == b"last week's backup"
    code, output = await command(tmp_path, database, "backup", str(target), "--force")
    assert code == 0, output
    assert canary(target) == "still here" and oct(target.stat().st_mode & 0o777) == "0o600"
    assert matching(tmp_path, "*.part") == []  # no half-written leftovers


async def test_status_and_backup_of_a_missing_database_say_so_and_create_nothing(
    tmp_path: Path,
) -> None:
    missing = tmp_path / "typo" / "companion.sqlite3"
    for args in (("status",), ("backup", str(tmp_path / "copy.sqlite3"))):
        code, output = await command(tmp_path, missing, *args)
        assert code == 2, output
        assert output.strip().startswith(f"There is no database at {missing}")
        assert "Traceback" not in output and "BOT_TOKEN" not in output
    assert not missing.exists() and not (tmp_path / "copy.sqlite3").exists()


async def test_restore_and_a_second_bot_refuse_while_the_bot_runs(tmp_path: Path) -> None:
    database = await live_database(tmp_path)
    backup = tmp_path / "backup.sqlite3"
    assert (await command(tmp_path, database, "backup", str(backup)))[0] == 0
    running = InstanceLock(database, purpose="test").acquire()  # the running bot's lock
    try:
        code, output = await command(tmp_path, database, "restore", str(backup))
        assert code == 2 and "already running" in output and "stop it before restoring" in output
        code, output = await command(tmp_path, database, "run", token=True)
        assert code == 2 and "already running" in output
        assert "Traceback" not in output
        code, output = await command(tmp_path, database, "status")  # looking is fine
        assert code == 0, output
        assert "bot running: yes" in output
    finally:
        running.release()
    assert matching(tmp_path, "live.sqlite3.before-restore-*") == []  # nothing was moved
    code, output = await command(tmp_path, database, "restore", str(backup))
    assert code == 0, output
    assert lock_path(database).exists()


async def test_restore_keeps_the_last_commits_of_the_replaced_database(tmp_path: Path) -> None:
    database = await live_database(tmp_path)
    backup = tmp_path / "backup.sqlite3"
    assert (await command(tmp_path, database, "backup", str(backup)))[0] == 0
    # A bot that died by kill -9 right after a commit: that commit lives only in the WAL.
    script = (
        "import os, sqlite3, sys; c = sqlite3.connect(sys.argv[1]); "
        "c.execute(\"INSERT INTO kv (key, value) VALUES ('late', 'in the wal')\"); "
        "c.commit(); os._exit(0)"
    )
    writer = await asyncio.create_subprocess_exec(sys.executable, "-c", script, str(database))
    assert await writer.wait() == 0
    assert wal_size(database) > 0
    code, output = await command(tmp_path, database, "restore", str(backup))
    assert code == 0, output
    (aside,) = matching(tmp_path, "live.sqlite3.before-restore-*")
    with sqlite3.connect(aside) as connection:
        assert connection.execute("SELECT value FROM kv WHERE key = 'late'").fetchone() == (
            "in the wal",
        )


async def test_status_without_a_token_still_runs_the_health_checks_and_writes_nothing(
    tmp_path: Path,
) -> None:
    database = await live_database(tmp_path)
    with sqlite3.connect(database) as connection:
        connection.execute(
            "INSERT INTO escalations (severity, source, created_at, updated_at, failures, "
            "last_error) VALUES ('urgent', 'button', '2026-03-02T09:00:00', "
            "'2026-03-02T09:00:00', 1, 'forbidden')"
        )
    connection.close()
    before = database.stat().st_mtime_ns, database.read_bytes()
    code, output = await command(tmp_path, database, "status")
    assert code == 1, output  # something needs a person
    assert "ALERTS ARE FAILING" in output and "health: NEEDS ATTENTION" in output
    assert "unclaimed" in output and "BOT_TOKEN" not in output
    assert (database.stat().st_mtime_ns, database.read_bytes()) == before
