"""Operations: online backup while the bot writes, restore, status, and upgrading an old database."""

from __future__ import annotations

import asyncio
import contextlib
import os
import sqlite3
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.delivery.lanes import Lane
from bot.ops.operations import restore
from bot.safety.escalation import raise_alert
from bot.sandbox.harness import COORDINATOR_CHAT_ID, SANDBOX_TOKEN, Sandbox, sandbox_settings
from storage import members, outbox
from storage.db import Database, DatabaseError, bundled_migrations
from tests.conftest import shipped_content

REPO = Path(__file__).resolve().parents[2]


async def cli(folder: Path, database: Path, *args: str) -> tuple[int, str]:
    """Run `python -m bot ...` as an operator would (own process, settings from the environment)."""
    env = {
        **os.environ,
        "BOT_TOKEN": SANDBOX_TOKEN,
        "COORDINATOR_CHAT_ID": str(COORDINATOR_CHAT_ID),
        "DATABASE_PATH": str(database),
        "PSEUDONYM_KEY_FILE": str(folder / "key"),
        "PYTHONPATH": str(REPO),
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


def exists(path: str | Path) -> bool:
    """Whether a file is there."""
    return Path(path).exists()


def status_lines(text: str) -> dict[str, str]:
    """`label: value` lines of `python -m bot status`."""
    return {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in text.splitlines())}


async def test_backup_while_the_bot_writes_is_a_consistent_copy(tmp_path: Path) -> None:
    database = tmp_path / "live.sqlite3"
    db = await Database.open(database)
    written = 0
    stop = asyncio.Event()

    async def writer() -> None:
        """The running bot: two rows per transaction, as fast as it can."""
        nonlocal written
        while not stop.is_set():
            async with db.transaction() as connection:
                for half in ("a", "b"):
                    await connection.execute(
                        "INSERT INTO kv (key, value) VALUES (?, ?)",
                        (f"w:{written}:{half}", "x" * 200),
                    )
            written += 1
            await asyncio.sleep(0)

    task = asyncio.create_task(writer())
    try:
        copies = []
        for number in range(3):
            target = tmp_path / "backups" / f"copy{number}.sqlite3"
            code, output = await cli(tmp_path, database, "backup", str(target))
            assert code == 0, output
            assert f"to {target}" in output
            copies.append(target)
    finally:
        stop.set()
        await task
        await db.close()
    assert written > 0
    counts = []
    for copy in copies:
        with contextlib.closing(sqlite3.connect(copy)) as connection, connection:
            assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            rows = connection.execute("SELECT COUNT(*) FROM kv WHERE key LIKE 'w:%'").fetchone()[0]
            version = connection.execute("PRAGMA user_version").fetchone()[0]
        assert rows % 2 == 0  # never half a transaction
        assert version == bundled_migrations()[-1].version
        counts.append(rows)
    assert counts == sorted(counts) and counts[-1] > 0  # later copies hold more of the writing


async def test_restore_a_backup_then_status_reads_it_and_the_bot_resumes(tmp_path: Path) -> None:
    settings = sandbox_settings(tmp_path)
    box = Sandbox(settings, content=shipped_content())
    await box.start()
    ana = box.user("Ana")
    await ana.click((await ana.send("/start"))[1], "I agree")
    ana_member = await members.get_by_telegram_id(box.db, ana.id)
    assert ana_member is not None
    await raise_alert(box.services, member=ana_member, severity="high", source="command")  # type: ignore[arg-type]
    await outbox.enqueue(
        box.db,
        key="later:1",
        chat_id=ana.id,
        lane=Lane.SCHEDULED,
        kind="test",
        payload={"text": "later"},
        not_before=box.clock.now() + timedelta(days=2),
        now=box.clock.now(),
        member_id=ana_member.id,
    )
    await box.advance(timedelta(minutes=1))
    code, output = await cli(
        tmp_path, Path(settings.database_path), "backup", str(tmp_path / "backup.sqlite3")
    )
    assert code == 0, output
    ben = box.user("Ben")  # joins after the backup: gone once it is restored
    await ben.click((await ben.send("/start"))[1], "I agree")
    await box.stop()  # restore only while stopped

    code, output = await cli(
        tmp_path, Path(settings.database_path), "restore", str(tmp_path / "backup.sqlite3")
    )
    assert code == 0, output
    assert "previous database is kept" in output
    assert not exists(f"{settings.database_path}-wal")
    code, output = await cli(tmp_path, Path(settings.database_path), "status")
    # The backup's bot is stopped, its sweep long past (on the fake clock's date), Ana's alert
    # unclaimed: all need a person.
    if datetime.now(UTC) > box.clock.now() + timedelta(hours=1):
        assert code == 1, output
        assert "the sweep has not run for" in output and "(last 2026-03-02T09:01" in output
        assert "1 crisis alert(s) unclaimed" in output
    lines = status_lines(output)
    assert lines["schema version"] == str(bundled_migrations()[-1].version)
    assert lines["members"] == "1"
    assert lines["open escalations"] == "1"
    assert int(lines["outbox backlog"]) >= 1
    assert lines["last sweep"].startswith("2026-03-02T09:01")

    await box.start()  # the bot starts on the restored file and knows Ana, not Ben
    assert await members.get_by_telegram_id(box.db, ana.id) is not None
    assert await members.get_by_telegram_id(box.db, ben.id) is None
    await box.stop()


async def test_restore_refuses_a_broken_or_newer_backup(tmp_path: Path) -> None:
    settings = sandbox_settings(tmp_path)
    garbage = tmp_path / "garbage.sqlite3"
    garbage.write_bytes(b"not a database at all" * 100)
    with pytest.raises(DatabaseError):
        await restore(settings.database_path, garbage)
    newer = tmp_path / "newer.sqlite3"
    with contextlib.closing(sqlite3.connect(newer)) as connection, connection:
        connection.execute("PRAGMA user_version = 9999")
    with pytest.raises(DatabaseError, match="9999"):
        await restore(settings.database_path, newer)
    assert not exists(settings.database_path)  # nothing was touched


async def test_status_of_a_fresh_database(tmp_path: Path) -> None:
    await (await Database.open(tmp_path / "fresh.sqlite3")).close()
    code, output = await cli(tmp_path, tmp_path / "fresh.sqlite3", "status")
    assert code == 0, output
    lines = status_lines(output)
    assert lines["members"] == "0" and lines["outbox backlog"] == "0"
    assert lines["open escalations"] == "0" and lines["last sweep"].startswith("never")
    assert lines["bot running"] == "no" and lines["inbox (not yet handled)"] == "0"
    assert lines["health"] == "ok"  # no bot has run on it yet: nothing has stopped


async def test_upgrading_a_database_made_by_the_first_schema_keeps_its_data(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    first = [m for m in bundled_migrations() if m.version == 1]
    old = await Database.open(path, migrate=False)
    assert await old.migrate(first) == [1]
    await old.execute(
        "INSERT INTO members (telegram_id, code, language, country, timezone, consented_at, "
        "created_at, updated_at, alias, role) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            4242,
            "MOLD01",
            "es",
            "ES",
            "Europe/Madrid",
            "2025-01-01T00:00:00",
            "2025-01-01T00:00:00",
            "2025-01-01T00:00:00",
            "Vieja",
            "mentee",
        ),
    )
    await old.execute(
        "INSERT INTO pairs (code, mentee_id, status, created_at) VALUES (?, 1, 'active', ?)",
        ("POLD01", "2025-01-02T00:00:00"),
    )
    await old.execute("INSERT INTO kv (key, value) VALUES ('last_sweep_at', '2025-01-03T00:00:00')")
    await old.close()

    upgraded = await Database.open(path)  # what every start does
    try:
        assert await upgraded.schema_version() == bundled_migrations()[-1].version
        member = await members.get_by_telegram_id(upgraded, 4242)
        assert member is not None and (member.code, member.alias, member.language) == (
            "MOLD01",
            "Vieja",
            "es",
        )
        assert (
            await upgraded.fetch_value("SELECT code FROM pairs WHERE mentee_id = ?", (member.id,))
            == "POLD01"
        )
        assert await upgraded.fetch_value("PRAGMA integrity_check") == "ok"
        assert await upgraded.fetch_all("PRAGMA foreign_key_check") == []
    finally:
        await upgraded.close()
    again = await Database.open(path)  # a second start applies nothing
    assert await again.migrate(bundled_migrations()) == []
    await again.close()


async def test_status_exits_non_zero_while_alerts_are_failing(tmp_path: Path) -> None:
    database = tmp_path / "failing.sqlite3"
    db = await Database.open(database)
    await db.execute(
        "INSERT INTO escalations (severity, source, created_at, updated_at, failures, last_error) "
        "VALUES ('urgent', 'button', '2026-03-02T09:00:00', '2026-03-02T09:00:00', 1, 'forbidden')"
    )
    await db.close()
    code, output = await cli(tmp_path, database, "status")
    assert code == 1, output
    lines = status_lines(output)
    assert lines["failing alerts"].startswith("1") and lines["overdue alerts"].startswith("1")
    assert "ALERTS ARE FAILING" in output
