"""Escalations after the fact: the aftercare check, delivery failures, and health counts."""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from storage.db import Database
from storage.escalation_timers import due_by
from storage.escalations import Escalation
from storage.timecodec import to_db


async def due_aftercare(db: Database, now: datetime) -> list[Escalation]:
    """Resolved escalations whose next-day check is due."""
    # "+id": sort the few due rows found through escalations_aftercare, rather than walk
    # every alert ever raised in id order (what the planner picks for a bare "ORDER BY id").
    return await due_by(db, "aftercare_at", now, order="+id")


async def clear_aftercare(connection: aiosqlite.Connection, escalation_id: int) -> bool:
    """The check is queued (or skipped): never again; False if another sweep was first."""
    cursor = await connection.execute(
        "UPDATE escalations SET aftercare_at = NULL WHERE id = ? AND aftercare_at IS NOT NULL",
        (escalation_id,),
    )
    return cursor.rowcount == 1


async def record_failure(db: Database, escalation_id: int, reason: str) -> None:
    """An alert message for this escalation could not be delivered (reason, never text)."""
    await db.execute(
        "UPDATE escalations SET failures = failures + 1, last_error = ? WHERE id = ?",
        (reason[:200], escalation_id),
    )


async def health(db: Database, now: datetime, overdue_after: datetime) -> dict[str, int]:
    """Counts for `status`: open, unclaimed since before `overdue_after`, with failed sends."""
    row = await db.fetch_one(
        "SELECT "
        "SUM(status != 'resolved') AS open, "
        "SUM(status = 'open' AND created_at <= ?) AS overdue, "
        "SUM(status != 'resolved' AND failures > 0) AS failing "
        "FROM escalations",
        (to_db(overdue_after),),
    )
    del now
    return (
        {key: int(row[key] or 0) for key in ("open", "overdue", "failing")}
        if row
        else {"open": 0, "overdue": 0, "failing": 0}
    )
