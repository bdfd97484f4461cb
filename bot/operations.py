"""Operator commands: an online backup and a status summary."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

from bot.settings import Settings
from storage.db import Database


async def backup(settings: Settings, target: Path) -> str:
    """Copy the database with SQLite's online backup API (consistent while the bot runs)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        target.unlink()
    source = sqlite3.connect(settings.database_path)
    try:
        destination = sqlite3.connect(target)
        with destination:
            source.backup(destination)
        destination.close()
    finally:
        source.close()
    target.chmod(0o600)
    return f"Backed up {settings.database_path} to {target} ({target.stat().st_size} bytes)."


async def status(settings: Settings) -> str:
    """Schema version, counts, outbox backlog, last sweep and open escalations."""
    db = await Database.open(settings.database_path)
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
        last_sweep = await db.fetch_value("SELECT value FROM kv WHERE key = 'last_sweep_at'")
        from storage.outbox import skipped_by_reason

        skipped = await skipped_by_reason(db)
    finally:
        await db.close()
    lines = [f"schema version: {version}"]
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
    lines = [f"failing alerts: {counts['failing']} (a message about them could not be delivered)",
             f"overdue alerts: {counts['overdue']} (unclaimed for over an hour)",
             f"coordinators' group: {state}"]
    return lines, counts["failing"] > 0 or state != "ok"


async def alert_status(settings: Settings) -> tuple[str, bool]:
    """The `status` lines about crisis alerts, and whether they are failing."""
    from datetime import UTC

    db = await Database.open(settings.database_path)
    try:
        lines, failing = await alert_health_lines(db, datetime.now(UTC))
    finally:
        await db.close()
    if failing:
        lines.append("ALERTS ARE FAILING: see the ERROR lines in the log")
    return "\n".join(lines), failing


async def restore(settings: Settings, source: Path) -> str:
    """Put a backup in place of the database (run only while the bot is stopped).

    Checks the backup first (readable, integrity ok, schema not newer than this code), keeps the
    current database aside as `<name>.before-restore-<time>`, and removes its `-wal`/`-shm`
    files: left behind, SQLite would replay the old write-ahead log into the restored file.
    """
    import shutil
    import time

    from storage.db import DatabaseError, bundled_migrations

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
    target = Path(settings.database_path)
    target.parent.mkdir(parents=True, exist_ok=True)
    kept = ""
    if target.exists():
        aside = target.with_name(f"{target.name}.before-restore-{time.strftime('%Y%m%d%H%M%S')}")
        target.rename(aside)
        aside.chmod(0o600)
        kept = f" The previous database is kept as {aside}."
    for suffix in ("-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(source, target)
    target.chmod(0o600)
    return (f"Restored {source} (schema version {version}) to {target}; the next start applies "
            f"any newer migrations.{kept}")
