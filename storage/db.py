"""SQLite access: one aiosqlite connection, explicit transactions, numbered migrations.

Writes share one connection, so every write goes through `transaction()`, which holds a lock for
the whole BEGIN..COMMIT: otherwise a coroutine's statement could land inside another coroutine's
open transaction.
"""

from __future__ import annotations

import asyncio
import os
import re
import sqlite3
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import aiosqlite

MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


class DatabaseError(Exception):
    """A database problem an operator can act on; the message says what to do."""


@dataclass(frozen=True)
class Migration:
    """One numbered SQL migration file."""

    version: int
    name: str
    sql: str


def bundled_migrations() -> list[Migration]:
    """The migrations shipped in storage/migrations, in order."""
    folder = resources.files("storage") / "migrations"
    found = []
    for entry in folder.iterdir():
        match = MIGRATION_NAME.match(entry.name)
        if match:
            found.append(Migration(int(match.group(1)), entry.name, entry.read_text("utf-8")))
    found.sort(key=lambda migration: migration.version)
    versions = [migration.version for migration in found]
    if len(set(versions)) != len(versions):
        raise DatabaseError(f"two migrations share a number: {versions}")
    return found


def split_statements(script: str) -> list[str]:
    """Split a SQL script into complete statements (sqlite3's executescript would auto-commit)."""
    statements, buffer = [], ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            if buffer.strip():
                statements.append(buffer.strip())
            buffer = ""
    if buffer.strip() and not buffer.strip().startswith("--"):
        statements.append(buffer.strip())
    return statements


class Database:
    """The bot's database: connection, transaction helper and query shortcuts."""

    def __init__(self, connection: aiosqlite.Connection, path: str) -> None:
        self.connection = connection
        self.path = path
        self._write_lock = asyncio.Lock()
        self.read_only = False

    @classmethod
    async def open(cls, path: str | Path, *, migrate: bool = True) -> Database:
        """Open (creating with mode 0600 if new), configure and migrate the database."""
        path_text = str(path)
        if path_text != ":memory:":
            _create_private(Path(path_text))
        try:
            connection = await aiosqlite.connect(path_text, isolation_level=None)
        except sqlite3.Error as exc:
            raise DatabaseError(f"Cannot open the database at {path_text}: {exc}.") from None
        connection.row_factory = aiosqlite.Row
        database = cls(connection, path_text)
        try:
            await connection.execute("PRAGMA journal_mode=WAL")
            await connection.execute("PRAGMA foreign_keys=ON")
            await connection.execute("PRAGMA busy_timeout=5000")
            await connection.execute("PRAGMA synchronous=NORMAL")
            # Deleted rows are overwritten with zeros, so /forget leaves no readable trace.
            await connection.execute("PRAGMA secure_delete=ON")
            if migrate:
                await database.migrate(bundled_migrations())
        except sqlite3.DatabaseError as exc:
            await connection.close()
            raise DatabaseError(
                f"The database file {path_text} is unreadable or corrupt ({exc}). "
                "Restore it from a backup (python -m bot backup) or move it aside to start afresh."
            ) from None
        except DatabaseError:
            await connection.close()
            raise
        if path_text != ":memory:":
            for suffix in ("-wal", "-shm"):
                _tighten(Path(path_text + suffix))
        return database

    @classmethod
    async def open_read_only(cls, path: str | Path) -> Database:
        """Open an existing database for reading only (status, backup): never creates a file,
        never migrates, and works beside the running bot."""
        try:
            connection = await aiosqlite.connect(
                _read_only_uri(path), uri=True, isolation_level=None
            )
        except sqlite3.Error as exc:
            raise DatabaseError(f"Cannot read the database at {path}: {exc}.") from None
        connection.row_factory = aiosqlite.Row
        try:
            await connection.execute("PRAGMA busy_timeout=5000")
            await connection.execute("SELECT COUNT(*) FROM sqlite_master")
        except sqlite3.Error as exc:
            await connection.close()
            raise DatabaseError(f"Cannot read the database at {path}: {exc}.") from None
        database = cls(connection, str(path))
        database.read_only = True
        return database

    async def close(self) -> None:
        """Checkpoint the WAL into the main file and close."""
        async with self._write_lock:
            if not self.read_only:
                await self.connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            await self.connection.close()

    async def checkpoint(self) -> None:
        """Copy the WAL into the main file and truncate it (after /forget: no old pages left)."""
        async with self._write_lock:
            await self.connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    async def schema_version(self) -> int:
        """The applied migration number (PRAGMA user_version)."""
        row = await self.fetch_one("PRAGMA user_version")
        return int(row[0]) if row else 0

    async def migrate(self, migrations: Sequence[Migration]) -> list[int]:
        """Apply pending migrations, each with its version bump in one transaction."""
        current = await self.schema_version()
        newest = max((migration.version for migration in migrations), default=0)
        if current > newest:
            raise DatabaseError(
                f"The database is at schema version {current}, but this version of the bot only "
                f"knows up to {newest}. Upgrade the bot, or restore a backup made by this version."
            )
        applied = []
        for migration in migrations:
            if migration.version <= current:
                continue
            async with self.transaction() as connection:
                for statement in split_statements(migration.sql):
                    await connection.execute(statement)
                # user_version is transactional: the bump commits together with the schema change.
                await connection.execute(f"PRAGMA user_version = {migration.version:d}")
            applied.append(migration.version)
        return applied

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """BEGIN IMMEDIATE .. COMMIT (ROLLBACK on error), serialised with every other write."""
        async with self._write_lock:
            await self.connection.execute("BEGIN IMMEDIATE")
            try:
                yield self.connection
            except BaseException:
                await self.connection.execute("ROLLBACK")
                raise
            else:
                await self.connection.execute("COMMIT")

    async def execute(self, sql: str, params: Iterable[Any] = ()) -> int:
        """Run one write statement in its own transaction; returns lastrowid."""
        async with self.transaction() as connection:
            cursor = await connection.execute(sql, tuple(params))
            return cursor.lastrowid or 0

    async def fetch_one(self, sql: str, params: Iterable[Any] = ()) -> aiosqlite.Row | None:
        """First row of a query, or None."""
        async with self.connection.execute(sql, tuple(params)) as cursor:
            return await cursor.fetchone()

    async def fetch_all(self, sql: str, params: Iterable[Any] = ()) -> list[aiosqlite.Row]:
        """All rows of a query."""
        async with self.connection.execute(sql, tuple(params)) as cursor:
            return list(await cursor.fetchall())

    async def first_rows(
        self, sql: str, params: Iterable[Any], keep: Callable[[aiosqlite.Row], bool], limit: int
    ) -> list[aiosqlite.Row]:
        """Rows of a query that `keep` accepts, reading only until `limit` are found (a cursor,
        so a long result is never loaded whole)."""
        found: list[aiosqlite.Row] = []
        async with self.connection.execute(sql, tuple(params)) as cursor:
            async for row in cursor:
                if keep(row):
                    found.append(row)
                    if len(found) >= limit:
                        break
        return found

    async def fetch_value(self, sql: str, params: Iterable[Any] = ()) -> Any:
        """The first column of the first row, or None."""
        row = await self.fetch_one(sql, params)
        return row[0] if row else None


# A Database (a statement in its own transaction) or a connection inside the caller's
# transaction, so a state change and what it causes can commit together.
Target = Database | aiosqlite.Connection


async def write(target: Target, sql: str, params: Iterable[Any] = ()) -> int:
    """Run one write statement on a Database or in the caller's transaction; rows changed."""
    if isinstance(target, Database):
        async with target.transaction() as connection:
            cursor = await connection.execute(sql, tuple(params))
    else:
        cursor = await target.execute(sql, tuple(params))
    return cursor.rowcount


async def read_one(target: Target, sql: str, params: Iterable[Any] = ()) -> aiosqlite.Row | None:
    """First row of a query, on a Database or inside the caller's transaction."""
    connection = target.connection if isinstance(target, Database) else target
    async with connection.execute(sql, tuple(params)) as cursor:
        return await cursor.fetchone()


async def read_all(target: Target, sql: str, params: Iterable[Any] = ()) -> list[aiosqlite.Row]:
    """All rows of a query, on a Database or inside the caller's transaction."""
    connection = target.connection if isinstance(target, Database) else target
    async with connection.execute(sql, tuple(params)) as cursor:
        return list(await cursor.fetchall())


def _create_private(path: Path) -> None:
    """Create an empty file with mode 0600 so the database is never world-readable."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
    _tighten(path)


def _read_only_uri(path: str | Path) -> str:
    """The URI that opens an existing file read-only; a missing file is an operator's mistake."""
    if not Path(path).is_file():
        raise DatabaseError(
            f"There is no database at {path}. Check DATABASE_PATH (in the environment or .env); "
            "nothing was created."
        )
    return f"file:{Path(path).resolve()}?mode=ro"


def _tighten(path: Path) -> None:
    if path.exists():
        path.chmod(0o600)
