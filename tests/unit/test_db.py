"""Database: pragmas, migrations, refusing newer or corrupt databases, file permissions."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from storage.db import Database, DatabaseError, Migration, bundled_migrations, split_statements


async def test_fresh_database_is_migrated_private_and_configured(tmp_path: Path) -> None:
    path = tmp_path / "data" / "bot.sqlite3"
    db = await Database.open(path)
    try:
        assert await db.schema_version() == bundled_migrations()[-1].version
        assert await db.fetch_value("PRAGMA foreign_keys") == 1
        assert await db.fetch_value("PRAGMA journal_mode") == "wal"
        assert int(await db.fetch_value("PRAGMA busy_timeout")) >= 1000
    finally:
        await db.close()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


async def test_newer_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bot.sqlite3"
    db = await Database.open(path)
    await db.execute("PRAGMA user_version = 9999")
    await db.close()
    with pytest.raises(DatabaseError, match="schema version 9999"):
        await Database.open(path)


async def test_corrupt_database_gives_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "bot.sqlite3"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(DatabaseError, match="unreadable or corrupt"):
        await Database.open(path)


async def test_failed_migration_rolls_back_with_its_version(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "bot.sqlite3")
    try:
        version = await db.schema_version()
        bad = Migration(version + 1, "x.sql", "CREATE TABLE t (a INTEGER);\nNOT SQL AT ALL;")
        with pytest.raises(Exception, match="syntax error"):
            await db.migrate([*bundled_migrations(), bad])
        assert await db.schema_version() == version
        assert await db.fetch_one("SELECT name FROM sqlite_master WHERE name = 't'") is None
    finally:
        await db.close()


async def test_transaction_rolls_back_on_error(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "bot.sqlite3")
    try:
        with pytest.raises(RuntimeError):
            async with db.transaction() as connection:
                await connection.execute("INSERT INTO kv (key, value) VALUES ('a', 'b')")
                raise RuntimeError("boom")
        assert await db.fetch_value("SELECT COUNT(*) FROM kv") == 0
    finally:
        await db.close()


def test_split_statements_keeps_semicolons_in_strings() -> None:
    script = "CREATE TABLE a (x TEXT DEFAULT ';');\n-- comment\nINSERT INTO a VALUES ('b;c');\n"
    assert len(split_statements(script)) == 2
