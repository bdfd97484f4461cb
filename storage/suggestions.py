"""Suggestions posted by /suggest, and the pool of members matching may consider."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import aiosqlite

from storage.db import Database, read_one
from storage.members import MEMBER_COLUMNS, Member, member_from_row
from storage.timecodec import to_db

SUGGESTION_COLUMNS = (
    "id, mentee_id, mentor_id, score, reasons, rank, proposal_id, status, created_at, "
    "decided_by, decided_by_name, decided_at, pair_id"
)


@dataclass(frozen=True)
class Suggestion:
    """One proposed pair (rank 0) or alternative (rank 1..)."""

    id: int
    mentee_id: int
    mentor_id: int
    score: float
    reasons: str
    rank: int
    proposal_id: int | None
    status: str
    created_at: str
    decided_by: int | None
    decided_by_name: str | None
    decided_at: str | None
    pair_id: int | None


def _suggestion(row: Any) -> Suggestion:
    return Suggestion(**dict(row))


async def add(
    db: Database,
    *,
    mentee_id: int,
    mentor_id: int,
    score: float,
    reasons: str,
    rank: int,
    now: datetime,
    proposal_id: int | None = None,
) -> int:
    """Store a suggestion (an alternative names its proposal); returns its id for the buttons."""
    return await db.execute(
        "INSERT INTO suggestions (mentee_id, mentor_id, score, reasons, rank, proposal_id, "
        "created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (mentee_id, mentor_id, score, reasons, rank, proposal_id, to_db(now)),
    )


async def get(target: Database | aiosqlite.Connection, suggestion_id: int) -> Suggestion | None:
    """A suggestion by id."""
    sql = f"SELECT {SUGGESTION_COLUMNS} FROM suggestions WHERE id = ?"
    row = await read_one(target, sql, (suggestion_id,))
    return _suggestion(row) if row else None


async def alternatives_of(db: Database, suggestion: Suggestion) -> list[Suggestion]:
    """The alternatives stored with a proposal, best first."""
    rows = await db.fetch_all(
        f"SELECT {SUGGESTION_COLUMNS} FROM suggestions WHERE proposal_id = ? ORDER BY rank",
        (suggestion.id,),
    )
    return [_suggestion(row) for row in rows]


async def decide(
    connection: aiosqlite.Connection,
    suggestion_id: int,
    *,
    status: str,
    actor_id: int | None,
    actor_name: str | None,
    now: datetime,
    pair_id: int | None = None,
) -> bool:
    """Close an open suggestion (approved/skipped/stale); False if it was no longer open."""
    cursor = await connection.execute(
        "UPDATE suggestions SET status = ?, decided_by = ?, decided_by_name = ?, decided_at = ?, "
        "pair_id = ? WHERE id = ? AND status = 'open'",
        (status, actor_id, actor_name, to_db(now), pair_id, suggestion_id),
    )
    return cursor.rowcount == 1


async def close_open_for_mentee(
    connection: aiosqlite.Connection, mentee_id: int, now: datetime
) -> None:
    """The mentee got a pair: every other open suggestion for them is stale."""
    await connection.execute(
        "UPDATE suggestions SET status = 'stale', decided_at = ? "
        "WHERE mentee_id = ? AND status = 'open'",
        (to_db(now), mentee_id),
    )


async def skipped_pairs(db: Database) -> dict[int, set[int]]:
    """Mentee id -> mentors a coordinator skipped for them (not proposed again)."""
    rows = await db.fetch_all(
        "SELECT mentee_id, mentor_id FROM suggestions WHERE status = 'skipped'"
    )
    found: dict[int, set[int]] = {}
    for row in rows:
        found.setdefault(int(row[0]), set()).add(int(row[1]))
    return found


async def waiting_mentees(db: Database) -> list[Member]:
    """Mentees on the waiting list with no current pair, longest waiting first."""
    rows = await db.fetch_all(
        f"SELECT {MEMBER_COLUMNS} FROM members m WHERE role = 'mentee' AND status = 'waiting' "
        "AND unreachable = 0 AND suspended_at IS NULL AND NOT EXISTS (SELECT 1 FROM pairs p WHERE p.mentee_id = m.id "
        "AND p.status != 'ended') ORDER BY COALESCE(intake_done_at, consented_at), id"
    )
    return [member_from_row(row) for row in rows]


async def mentors(db: Database) -> list[Member]:
    """Every mentor (the caller decides who can take someone: approval, capacity, pause...)."""
    rows = await db.fetch_all(
        f"SELECT {MEMBER_COLUMNS} FROM members WHERE role = 'mentor' ORDER BY id"
    )
    return [member_from_row(row) for row in rows]


async def awaiting_approval(db: Database) -> list[Member]:
    """Mentors who finished intake/training and wait for a coordinator's approval."""
    rows = await db.fetch_all(
        f"SELECT {MEMBER_COLUMNS} FROM members WHERE role = 'mentor' AND approved_at IS NULL "
        "AND status IN ('awaiting_approval', 'waiting', 'training') "
        "ORDER BY COALESCE(intake_done_at, consented_at), id"
    )
    return [member_from_row(row) for row in rows]
