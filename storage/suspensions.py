"""Suspension and withdrawn approval: the member rows' state changes, inside the caller's
transaction."""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from storage.db import Database
from storage.timecodec import INDEFINITE, to_db


async def mark_suspended(
    connection: aiosqlite.Connection, member_id: int, reason: str, now: datetime
) -> bool:
    """Suspend (everything scheduled for them holds, like an open-ended pause); False if they
    already were."""
    cursor = await connection.execute(
        "UPDATE members SET suspended_at = ?, suspended_reason = ?, paused_until = ?, "
        "updated_at = ? WHERE id = ? AND suspended_at IS NULL",
        (to_db(now), reason[:300], INDEFINITE, to_db(now), member_id),
    )
    return cursor.rowcount == 1


async def mark_unsuspended(connection: aiosqlite.Connection, member_id: int, now: datetime) -> bool:
    """Lift a suspension (held messages go out at the next sweep); False if not suspended."""
    cursor = await connection.execute(
        "UPDATE members SET suspended_at = NULL, suspended_reason = NULL, paused_until = NULL, "
        "next_checkin_at = NULL, updated_at = ? WHERE id = ? AND suspended_at IS NOT NULL",
        (to_db(now), member_id),
    )
    return cursor.rowcount == 1


async def mark_unapproved(connection: aiosqlite.Connection, member_id: int, now: datetime) -> bool:
    """Withdraw a mentor's approval (back to awaiting approval); False if not approved."""
    cursor = await connection.execute(
        "UPDATE members SET approved_at = NULL, status = 'awaiting_approval', updated_at = ? "
        "WHERE id = ? AND role = 'mentor' AND approved_at IS NOT NULL",
        (to_db(now), member_id),
    )
    return cursor.rowcount == 1


async def suspended_telegram_ids(db: Database) -> set[int]:
    """Everyone suspended now (the gate keeps this set in memory)."""
    rows = await db.fetch_all("SELECT telegram_id FROM members WHERE suspended_at IS NOT NULL")
    return {int(row[0]) for row in rows}
