"""The mentor's weekly pulse answers (two 1-5 ratings and whether they want support)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from storage.db import Database
from storage.members import MEMBER_COLUMNS, Member, member_from_row
from storage.timecodec import to_db


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


_MENTORS_IN_PAIRS = (
    "m.unreachable = 0 AND m.id IN (SELECT mentor_id FROM pairs WHERE status = 'active' "
    "AND mentor_id IS NOT NULL AND COALESCE(started_at, created_at) <= ?)"
)


async def mentor_zones(db: Database, started_before: datetime) -> list[str]:
    """The time zones of reachable mentors in a pair that started before `started_before`."""
    rows = await db.fetch_all(
        f"SELECT DISTINCT m.timezone FROM members m WHERE {_MENTORS_IN_PAIRS}",
        (to_db(started_before),),
    )
    return [str(row[0]) for row in rows]


async def mentors_not_prompted(
    db: Database, started_before: datetime, timezone: str, week: str
) -> list[Member]:
    """Those mentors in `timezone` with no pulse prompt queued for `week` (one query: the
    outbox key is looked up inside SQLite, so a week already prompted costs no Python)."""
    columns = ", ".join(f"m.{column.strip()}" for column in MEMBER_COLUMNS.split(","))
    rows = await db.fetch_all(
        f"SELECT {columns} FROM members m WHERE m.timezone = ? AND {_MENTORS_IN_PAIRS} "
        "AND NOT EXISTS (SELECT 1 FROM outbox o "
        "WHERE o.idempotency_key = 'pulse:' || m.code || ':' || ?) ORDER BY m.id",
        (timezone, to_db(started_before), week),
    )
    return [member_from_row(row) for row in rows]
