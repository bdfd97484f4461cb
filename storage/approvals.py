"""Mentor approval: awaiting_approval -> waiting (matchable), exactly once."""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from storage.timecodec import to_db


async def mark_approved(connection: aiosqlite.Connection, member_id: int, now: datetime) -> bool:
    """Approve inside the caller's transaction; False if they were not awaiting approval."""
    cursor = await connection.execute(
        "UPDATE members SET status = 'waiting', approved_at = ?, updated_at = ? "
        "WHERE id = ? AND status = 'awaiting_approval'",
        (to_db(now), to_db(now), member_id),
    )
    return cursor.rowcount == 1
