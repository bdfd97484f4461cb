"""Operator commands: an online backup and a status summary."""

from __future__ import annotations

import sqlite3
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
