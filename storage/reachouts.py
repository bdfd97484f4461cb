"""Reach-outs: a mentee's request for contact, the mentor's answer and the reminders."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from storage.db import Database
from storage.timecodec import to_db


@dataclass(frozen=True)
class Reachout:
    """A mentee's request for contact."""

    id: int
    pair_id: int
    checkin_id: int | None
    requested_at: str
    done_at: str | None
    mentor_reminded_at: str | None
    coordinators_told_at: str | None


REACHOUT_COLUMNS = (
    "id, pair_id, checkin_id, requested_at, done_at, mentor_reminded_at, coordinators_told_at"
)


async def request_reachout(db: Database, pair_id: int, checkin_id: int, now: datetime) -> None:
    """The mentee would like contact (one request per check-in)."""
    await db.execute(
        "INSERT OR IGNORE INTO reachouts (pair_id, checkin_id, requested_at) VALUES (?, ?, ?)",
        (pair_id, checkin_id, to_db(now)),
    )


async def open_reachouts(db: Database, pair_id: int) -> list[Reachout]:
    """Requests the mentor has not answered yet."""
    rows = await db.fetch_all(
        f"SELECT {REACHOUT_COLUMNS} FROM reachouts WHERE pair_id = ? AND done_at IS NULL",
        (pair_id,),
    )
    return [Reachout(**dict(row)) for row in rows]


async def complete_reachouts(db: Database, pair_id: int, now: datetime) -> int:
    """The mentor reached out: close every open request of the pair; returns how many."""
    async with db.transaction() as connection:
        cursor = await connection.execute(
            "UPDATE reachouts SET done_at = ? WHERE pair_id = ? AND done_at IS NULL",
            (to_db(now), pair_id),
        )
        return cursor.rowcount


async def due_mentor_reminders(db: Database, requested_before: datetime) -> list[Reachout]:
    """Open requests older than the mentor-reminder delay, not yet reminded."""
    rows = await db.fetch_all(
        f"SELECT {REACHOUT_COLUMNS} FROM reachouts WHERE done_at IS NULL "
        "AND mentor_reminded_at IS NULL AND requested_at <= ?",
        (to_db(requested_before),),
    )
    return [Reachout(**dict(row)) for row in rows]


async def due_coordinator_notices(db: Database, requested_before: datetime) -> list[Reachout]:
    """Open requests older than the coordinator delay, coordinators not yet told."""
    rows = await db.fetch_all(
        f"SELECT {REACHOUT_COLUMNS} FROM reachouts WHERE done_at IS NULL "
        "AND coordinators_told_at IS NULL AND requested_at <= ?",
        (to_db(requested_before),),
    )
    return [Reachout(**dict(row)) for row in rows]


async def mark_reachout(db: Database, reachout_id: int, column: str, now: datetime) -> None:
    """Stamp `mentor_reminded_at` or `coordinators_told_at`."""
    if column not in ("mentor_reminded_at", "coordinators_told_at"):
        raise ValueError(column)
    await db.execute(f"UPDATE reachouts SET {column} = ? WHERE id = ?", (to_db(now), reachout_id))
