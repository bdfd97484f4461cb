"""The mentor's weekly pulse answers (two 1-5 ratings and whether they want support)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.clock import to_db
from storage.db import Database
from storage.members import MEMBER_COLUMNS, Member, member_from_row


async def save(
    db: Database, member_id: int, period: str, now: datetime, **answers: int | None
) -> None:
    """Upsert this week's pulse answers (going, wellbeing, wants_support)."""
    columns = sorted(key for key in answers if key in ("going", "wellbeing", "wants_support"))
    await db.execute(
        "INSERT INTO pulses (member_id, period, created_at, updated_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (member_id, period) DO NOTHING",
        (member_id, period, to_db(now), to_db(now)),
    )
    if columns:
        assignments = ", ".join(f"{column} = ?" for column in columns)
        await db.execute(
            f"UPDATE pulses SET {assignments}, updated_at = ? WHERE member_id = ? AND period = ?",
            (*(answers[c] for c in columns), to_db(now), member_id, period),
        )


async def get(db: Database, member_id: int, period: str) -> dict[str, Any] | None:
    """This week's pulse answers."""
    row = await db.fetch_one(
        "SELECT going, wellbeing, wants_support FROM pulses WHERE member_id = ? AND period = ?",
        (member_id, period),
    )
    return dict(row) if row else None


async def reset(db: Database, member_id: int, period: str) -> None:
    """Start this week's pulse afresh (a second pulse the same week replaces the first)."""
    await db.execute(
        "UPDATE pulses SET going = NULL, wellbeing = NULL, wants_support = NULL "
        "WHERE member_id = ? AND period = ?",
        (member_id, period),
    )


async def reachable_mentors_in_pairs(db: Database, started_before: datetime) -> list[Member]:
    """Reachable mentors in an active pair that started before `started_before` (one query)."""
    columns = ", ".join(f"m.{column.strip()}" for column in MEMBER_COLUMNS.split(","))
    rows = await db.fetch_all(
        f"SELECT {columns} FROM members m WHERE m.unreachable = 0 AND m.id IN ("
        "SELECT mentor_id FROM pairs WHERE status = 'active' AND mentor_id IS NOT NULL "
        "AND COALESCE(started_at, created_at) <= ?) ORDER BY m.id",
        (to_db(started_before),),
    )
    return [member_from_row(row) for row in rows]
