"""Pairs: a mentee and a mentor, from introduction to closure (history kept without content)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.clock import to_db
from bot.codes import new_code
from storage.db import Database

PAIR_COLUMNS = (
    "id, code, mentee_id, mentor_id, status, created_at, approved_by, mentee_accepted_at, "
    "mentor_accepted_at, started_at, last_contact_at, ends_at, ended_at, end_reason, forum_topic_id"
)


@dataclass(frozen=True)
class Pair:
    """One pair's row."""

    id: int
    code: str
    mentee_id: int | None
    mentor_id: int | None
    status: str
    created_at: str
    approved_by: int | None
    mentee_accepted_at: str | None
    mentor_accepted_at: str | None
    started_at: str | None
    last_contact_at: str | None
    ends_at: str | None
    ended_at: str | None
    end_reason: str | None
    forum_topic_id: int | None

    def partner_of(self, member_id: int) -> int | None:
        """The other member's id."""
        return self.mentor_id if member_id == self.mentee_id else self.mentee_id


def pair_from_row(row: Any) -> Pair:
    """Build a Pair from a row selected with PAIR_COLUMNS."""
    return Pair(**dict(row))


async def get(db: Database, pair_id: int) -> Pair | None:
    """A pair by id."""
    row = await db.fetch_one(f"SELECT {PAIR_COLUMNS} FROM pairs WHERE id = ?", (pair_id,))
    return pair_from_row(row) if row else None


async def get_by_code(db: Database, code: str) -> Pair | None:
    """A pair by its code."""
    row = await db.fetch_one(
        f"SELECT {PAIR_COLUMNS} FROM pairs WHERE code = ?", (code.strip().upper(),)
    )
    return pair_from_row(row) if row else None


async def current_pairs_of(db: Database, member_id: int) -> list[Pair]:
    """Pairs this member is in that have not ended (a mentor may have several)."""
    rows = await db.fetch_all(
        f"SELECT {PAIR_COLUMNS} FROM pairs WHERE status != 'ended' "
        "AND (mentee_id = ? OR mentor_id = ?) ORDER BY id",
        (member_id, member_id),
    )
    return [pair_from_row(row) for row in rows]


async def create(
    db: Database, *, mentee_id: int, mentor_id: int, approved_by: int | None, now: datetime
) -> Pair:
    """Create an introduced pair with a fresh code."""
    for _ in range(10):
        try:
            pair_id = await db.execute(
                "INSERT INTO pairs (code, mentee_id, mentor_id, status, created_at, approved_by) "
                "VALUES (?, ?, ?, 'introduced', ?, ?)",
                (new_code("P"), mentee_id, mentor_id, to_db(now), approved_by),
            )
            break
        except sqlite3.IntegrityError:
            continue
    pair = await get(db, pair_id)
    assert pair is not None
    return pair
