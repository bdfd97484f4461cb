"""The screen's recent findings per member (tier and kind only, never text), kept 24 hours."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.clock import to_db
from bot.risk_types import RiskResult, Severity
from storage.db import Database

KEEP = timedelta(hours=24)


async def record(db: Database, member_id: int, result: RiskResult, now: datetime) -> None:
    """Remember one finding, and forget this member's findings older than KEEP."""
    await db.execute(
        "DELETE FROM risk_signals WHERE member_id = ? AND at < ?", (member_id, to_db(now - KEEP))
    )
    await db.execute(
        "INSERT INTO risk_signals (member_id, at, severity, kind) VALUES (?, ?, ?, ?)",
        (member_id, to_db(now), int(result.severity), str(result.kind)),
    )


async def recent(db: Database, member_id: int, now: datetime) -> list[Severity]:
    """Severities found for this member in the last KEEP, oldest first."""
    rows = await db.fetch_all(
        "SELECT severity FROM risk_signals WHERE member_id = ? AND at >= ? ORDER BY at, id",
        (member_id, to_db(now - KEEP)),
    )
    return [Severity(row["severity"]) for row in rows]
