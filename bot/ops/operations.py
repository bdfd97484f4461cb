"""Operator commands: an online backup, restore and a status summary, none of which can
destroy data (see storage/lock.py for the one-bot-per-database lock)."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from storage.db import Database, DatabaseError
from storage.lock import InstanceLock, is_held, lock_path

INBOX_SCHEMA = 11  # the migration that added the inbox


def _same_file(a: Path, b: Path) -> bool:
    """Whether two paths name one file (by device and inode, so links and `..` count)."""
    try:
        first, second = a.stat(), b.stat()
    except OSError:
        return False
    return (first.st_dev, first.st_ino) == (second.st_dev, second.st_ino)


async def backup(database: Path, target: Path, *, force: bool = False) -> str:
    """Copy the database with SQLite's online backup API (consistent while the bot runs).

    Refuses the live database itself (or its -wal/-shm) as target, and an existing file unless
    `force`; the copy is written to a temporary file beside the target and renamed into place,
    so a failed backup never leaves a half-written file under the target's name.
    """
    database = Path(database)
    if not database.is_file():
        raise DatabaseError(
            f"There is no database at {database}. Check DATABASE_PATH; nothing was backed up."
        )
    live = [database, Path(f"{database}-wal"), Path(f"{database}-shm"), lock_path(database)]
    if any(_same_file(target, path) for path in live) or target.resolve() == database.resolve():
        raise DatabaseError(
            f"Refusing to back up {database} onto itself ({target}); give a path for the copy."
        )
    if target.exists() and not force:
        raise DatabaseError(
            f"{target} already exists; choose another path, or add --force to replace it."
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(
        prefix=f".{target.name}.", suffix=".part", dir=target.parent
    )
    os.close(handle)
    try:
        source = sqlite3.connect(f"file:{database.resolve()}?mode=ro", uri=True)
        try:
            destination = sqlite3.connect(temporary)
            try:
                with destination:
                    source.backup(destination)
            finally:
                destination.close()
        finally:
            source.close()
        os.chmod(temporary, 0o600)
        os.replace(temporary, target)
    except sqlite3.Error as exc:
        raise DatabaseError(
            f"The backup of {database} failed ({exc}); nothing was replaced."
        ) from None
    finally:
        Path(temporary).unlink(missing_ok=True)
    return f"Backed up {database} to {target} ({target.stat().st_size} bytes)."


async def status(database: Path) -> str:
    """Schema version, counts, outbox backlog, last sweep and open escalations (read-only)."""
    db = await Database.open_read_only(database)
    try:
        version = await db.schema_version()
        counts = {}
        for label, sql in (
            ("members", "SELECT COUNT(*) FROM members"),
            ("active pairs", "SELECT COUNT(*) FROM pairs WHERE status != 'ended'"),
            (
                "outbox backlog",
                "SELECT COUNT(*) FROM outbox WHERE status IN ('pending', 'sending')",
            ),
            ("open escalations", "SELECT COUNT(*) FROM escalations WHERE status != 'resolved'"),
        ):
            counts[label] = await db.fetch_value(sql)
        if version >= INBOX_SCHEMA:
            counts["inbox (not yet handled)"] = await db.fetch_value("SELECT COUNT(*) FROM inbox")
        last_sweep = await db.fetch_value("SELECT value FROM kv WHERE key = 'last_sweep_at'")
        from storage.outbox import skipped_by_reason

        skipped = await skipped_by_reason(db)
    except sqlite3.Error as exc:
        raise DatabaseError(f"Cannot read {database} ({exc}); is it this bot's database?") from None
    finally:
        await db.close()
    lines = [f"schema version: {version}", f"bot running: {'yes' if is_held(database) else 'no'}"]
    lines += [f"{label}: {value}" for label, value in counts.items()]
    lines.append(f"last sweep: {last_sweep or 'never'} (UTC)")
    reasons = ", ".join(f"{reason} {count}" for reason, count in sorted(skipped.items()))
    lines.append(f"skipped on purpose: {reasons or 'none'}")
    return "\n".join(lines)


OVERDUE_UNCLAIMED = timedelta(hours=1)  # an alert nobody has taken for this long is overdue


async def alert_health_lines(db: Database, now: datetime) -> tuple[list[str], bool]:
    """Crisis alert health for `status`: lines, and True if alerts are failing (exit non-zero)."""
    from storage import coordinator_group, escalation_followup

    counts = await escalation_followup.health(db, now, now - OVERDUE_UNCLAIMED)
    group = await coordinator_group.get(db)
    state = group.state if group else "ok"
    lines = [
        f"failing alerts: {counts['failing']} (a message about them could not be delivered)",
        f"overdue alerts: {counts['overdue']} (unclaimed for over an hour)",
        f"coordinators' group: {state}",
    ]
    return lines, counts["failing"] > 0 or state != "ok"


async def alert_status(database: Path) -> tuple[str, bool]:
    """The `status` lines about crisis alerts, and whether they are failing (read-only)."""
    db = await Database.open_read_only(database)
    try:
        lines, failing = await alert_health_lines(db, datetime.now(UTC))
    except sqlite3.Error as exc:
        raise DatabaseError(
            f"Cannot read the alerts in {database} ({exc}); is it this bot's "
            "database (start the bot once to upgrade an older one)?"
        ) from None
    finally:
        await db.close()
    if failing:
        lines.append("ALERTS ARE FAILING: see the ERROR lines in the log")
    return "\n".join(lines), failing


async def restore(database: Path, source: Path) -> str:
    """Put a backup in place of the database (run only while the bot is stopped).

    Checks the backup first (readable, integrity ok, schema not newer than this code), keeps the
    current database aside as `<name>.before-restore-<time>`, and removes its `-wal`/`-shm`
    files: left behind, SQLite would replay the old write-ahead log into the restored file.
    Refuses while the bot runs (it holds the database's lock).
    """
    from storage.db import bundled_migrations

    if not source.is_file():
        raise DatabaseError(f"No backup file at {source}.")
    try:
        check = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            integrity = check.execute("PRAGMA integrity_check").fetchone()[0]
            version = check.execute("PRAGMA user_version").fetchone()[0]
        finally:
            check.close()
    except sqlite3.DatabaseError as exc:
        raise DatabaseError(f"{source} is not a readable SQLite database ({exc}).") from None
    newest = max(migration.version for migration in bundled_migrations())
    if integrity != "ok" or version > newest:
        raise DatabaseError(
            f"Refusing to restore {source}: integrity {integrity!r}, schema version {version} "
            f"(this bot knows up to {newest})."
        )
    target = Path(database)
    target.parent.mkdir(parents=True, exist_ok=True)
    # Held for the whole swap: a running bot makes the restore refuse, and a bot started
    # meanwhile refuses instead of opening a file that is being replaced.
    lock = InstanceLock(
        target,
        purpose="stop it before restoring (a restore under a running "
        "bot is lost at its next start)",
    ).acquire()
    try:
        return _swap_in(target, source, version)
    finally:
        lock.release()


def _swap_in(target: Path, source: Path, version: int) -> str:
    """Keep the current database aside (with its WAL folded in) and copy the backup in."""
    import shutil
    import time

    kept = ""
    if target.exists():
        # Fold the old WAL into the file first: deleted below, its last commits would be missing
        # from the copy kept aside.
        with contextlib.closing(sqlite3.connect(target)) as old:
            old.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        aside = target.with_name(f"{target.name}.before-restore-{time.strftime('%Y%m%d%H%M%S')}")
        target.rename(aside)
        aside.chmod(0o600)
        kept = f" The previous database is kept as {aside}."
    for suffix in ("-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(source, target)
    target.chmod(0o600)
    return (
        f"Restored {source} (schema version {version}) to {target}; the next start applies "
        f"any newer migrations.{kept}"
    )
