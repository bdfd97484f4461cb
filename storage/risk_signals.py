"""The screen's recent findings per member (tier and kind only, never text), kept 24 hours."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Protocol

from storage.db import Database
from storage.timecodec import to_db

KEEP = timedelta(hours=24)


class Finding(Protocol):
    """What is kept of a screen result (bot.screen.risk_types.RiskResult has these): tier and kind."""

    @property
    def severity(self) -> int: ...

    @property
    def kind(self) -> str: ...


async def record(db: Database, member_id: int, result: Finding, now: datetime) -> None:
    """Remember one finding, and forget this member's findings older than KEEP."""
    await db.execute(
        "DELETE FROM risk_signals WHERE member_id = ? AND at < ?", (member_id, to_db(now - KEEP))
    )
    await db.execute(
        "INSERT INTO risk_signals (member_id, at, severity, kind) VALUES (?, ?, ?, ?)",
        (member_id, to_db(now), int(result.severity), str(result.kind)),
    )


async def recent(db: Database, member_id: int, now: datetime) -> list[int]:
    """Severity tiers (bot.screen.risk_types.Severity values) found in the last KEEP, oldest first."""
    rows = await db.fetch_all(
        "SELECT severity FROM risk_signals WHERE member_id = ? AND at >= ? ORDER BY at, id",
        (member_id, to_db(now - KEEP)),
    )
    return [int(row["severity"]) for row in rows]
