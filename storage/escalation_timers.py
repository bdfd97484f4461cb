"""Escalation timers: re-alerts of unclaimed alerts and reminders of claimed ones, when due."""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from storage.db import Database
from storage.escalations import ESCALATION_COLUMNS, Escalation, escalation_from_row
from storage.timecodec import to_db

DUE_COLUMNS = ("next_realert_at", "next_reminder_at", "aftercare_at")


async def due_by(
    db: Database, column: str, now: datetime, *, status: str = "", order: str = "id"
) -> list[Escalation]:
    """Escalations whose `column` time has come (in `status`, if given), in `order`."""
    assert column in DUE_COLUMNS and status in ("", "open", "claimed", "resolved")
    in_status = f"status = '{status}' AND " if status else ""  # a literal: partial indexes match
    rows = await db.fetch_all(
        f"SELECT {ESCALATION_COLUMNS} FROM escalations WHERE {in_status}"
        f"{column} IS NOT NULL AND {column} <= ? ORDER BY {order}",
        (to_db(now),),
    )
    return [escalation_from_row(row) for row in rows]


async def due_realerts(db: Database, now: datetime) -> list[Escalation]:
    """Unclaimed escalations whose re-alert time has come, oldest first."""
    return await due_by(db, "next_realert_at", now, status="open")


async def mark_realerted(
    connection: aiosqlite.Connection,
    escalation_id: int,
    *,
    next_at: datetime,
    now: datetime,
    day: str = "",
) -> bool:
    """Count a re-alert (in total and on `day`) and set the next one (inside the caller's
    transaction); False if it was claimed or resolved in the meantime."""
    cursor = await connection.execute(
        "UPDATE escalations SET realerts = realerts + 1, next_realert_at = ?, updated_at = ?, "
        "realerts_that_day = CASE WHEN realert_day = ? THEN realerts_that_day + 1 ELSE 1 END, "
        "realert_day = ? WHERE id = ? AND status = 'open'",
        (to_db(next_at), to_db(now), day, day, escalation_id),
    )
    return cursor.rowcount == 1


async def postpone_realert(db: Database, escalation_id: int, next_at: datetime) -> None:
    """The day's re-alerts are used up: wait until `next_at`."""
    await db.execute(
        "UPDATE escalations SET next_realert_at = ? WHERE id = ? AND status = 'open'",
        (to_db(next_at), escalation_id),
    )


async def due_claim_reminders(db: Database, now: datetime) -> list[Escalation]:
    """Claimed escalations still unresolved whose reminder is due, oldest first."""
    return await due_by(db, "next_reminder_at", now, status="claimed")


async def mark_reminded(
    connection: aiosqlite.Connection, escalation_id: int, *, next_at: datetime
) -> bool:
    """Count a claimed reminder and set the next one; False if resolved meanwhile."""
    cursor = await connection.execute(
        "UPDATE escalations SET reminders = reminders + 1, next_reminder_at = ? "
        "WHERE id = ? AND status = 'claimed'",
        (to_db(next_at), escalation_id),
    )
    return cursor.rowcount == 1
