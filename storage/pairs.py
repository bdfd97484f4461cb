"""Pairs: a mentee and a mentor, from introduction to closure (history kept without content)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import aiosqlite

from storage.codes import new_code
from storage.db import Database, Target, read_all, read_one
from storage.timecodec import to_db

PAIR_COLUMNS = (
    "id, code, mentee_id, mentor_id, status, created_at, approved_by, mentee_accepted_at, "
    "mentor_accepted_at, started_at, last_contact_at, ends_at, ended_at, end_reason, "
    "forum_topic_id, intro_reminded_at, fit_check_at, mentee_fit, mentor_fit, end_reminded_at, "
    "ended_by"
)
FIT_ANSWERS = ("good", "unsure", "not_fit")


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
    intro_reminded_at: str | None = None
    fit_check_at: str | None = None
    mentee_fit: str | None = None
    mentor_fit: str | None = None
    end_reminded_at: str | None = None
    ended_by: str | None = None

    def partner_of(self, member_id: int) -> int | None:
        """The other member's id."""
        return self.mentor_id if member_id == self.mentee_id else self.mentee_id

    def role_of(self, member_id: int) -> str | None:
        """'mentee' or 'mentor' for a member of this pair, else None."""
        if member_id == self.mentee_id:
            return "mentee"
        if member_id == self.mentor_id:
            return "mentor"
        return None

    def accepted_by(self, member_id: int) -> bool:
        """True if this member already pressed [I'm in]."""
        role = self.role_of(member_id)
        return bool(self.mentee_accepted_at if role == "mentee" else self.mentor_accepted_at)


def pair_from_row(row: Any) -> Pair:
    """Build a Pair from a row selected with PAIR_COLUMNS."""
    return Pair(**dict(row))


async def get(target: Target, pair_id: int) -> Pair | None:
    """A pair by id."""
    row = await read_one(target, f"SELECT {PAIR_COLUMNS} FROM pairs WHERE id = ?", (pair_id,))
    return pair_from_row(row) if row else None


async def get_by_code(db: Database, code: str) -> Pair | None:
    """A pair by its code."""
    row = await db.fetch_one(
        f"SELECT {PAIR_COLUMNS} FROM pairs WHERE code = ?", (code.strip().upper(),)
    )
    return pair_from_row(row) if row else None


async def current_pairs_of(target: Target, member_id: int) -> list[Pair]:
    """Pairs this member is in that have not ended (a mentor may have several)."""
    sql = (
        f"SELECT {PAIR_COLUMNS} FROM pairs WHERE status != 'ended' "
        "AND (mentee_id = ? OR mentor_id = ?) ORDER BY id"
    )
    rows = await read_all(target, sql, (member_id, member_id))
    return [pair_from_row(row) for row in rows]


async def all_current(db: Database) -> list[Pair]:
    """Every pair that has not ended, oldest first."""
    rows = await db.fetch_all(
        f"SELECT {PAIR_COLUMNS} FROM pairs WHERE status != 'ended' ORDER BY id"
    )
    return [pair_from_row(row) for row in rows]


async def current_page(db: Database, limit: int) -> tuple[int, list[Pair]]:
    """How many pairs have not ended, and the oldest `limit` of them (for a list to show)."""
    count = await db.fetch_value("SELECT COUNT(*) FROM pairs WHERE status != 'ended'")
    rows = await db.fetch_all(
        f"SELECT {PAIR_COLUMNS} FROM pairs WHERE status != 'ended' ORDER BY id LIMIT ?", (limit,)
    )
    return int(count or 0), [pair_from_row(row) for row in rows]


async def mentor_loads(db: Database) -> dict[int, int]:
    """Current (not ended) pairs per mentor id."""
    rows = await db.fetch_all(
        "SELECT mentor_id, COUNT(*) FROM pairs WHERE status != 'ended' AND mentor_id IS NOT NULL "
        "GROUP BY mentor_id"
    )
    return {int(row[0]): int(row[1]) for row in rows}


async def past_mentors(db: Database) -> dict[int, set[int]]:
    """For each mentee id, mentors they must not be offered again (ended pairs)."""
    rows = await db.fetch_all(
        "SELECT mentee_id, mentor_id FROM pairs WHERE status = 'ended' "
        "AND mentee_id IS NOT NULL AND mentor_id IS NOT NULL"
    )
    found: dict[int, set[int]] = {}
    for row in rows:
        found.setdefault(int(row[0]), set()).add(int(row[1]))
    return found


async def ever_paired(target: Target, mentee_id: int, mentor_id: int) -> bool:
    """True if these two were paired before (an ended pair)."""
    row = await read_one(
        target,
        "SELECT 1 FROM pairs WHERE mentee_id = ? AND mentor_id = ? AND status = 'ended'",
        (mentee_id, mentor_id),
    )
    return row is not None


async def insert(
    connection: aiosqlite.Connection,
    *,
    mentee_id: int,
    mentor_id: int,
    approved_by: int | None,
    now: datetime,
) -> Pair:
    """Insert an introduced pair with a fresh code, inside the caller's transaction."""
    for _ in range(10):
        try:
            cursor = await connection.execute(
                "INSERT INTO pairs (code, mentee_id, mentor_id, status, created_at, approved_by) "
                "VALUES (?, ?, ?, 'introduced', ?, ?)",
                (new_code("P"), mentee_id, mentor_id, to_db(now), approved_by),
            )
            break
        except sqlite3.IntegrityError:  # code collision: draw again
            continue
    else:
        raise RuntimeError("could not draw a free pair code")
    pair = await get(connection, cursor.lastrowid or 0)
    assert pair is not None
    return pair


async def create(
    db: Database, *, mentee_id: int, mentor_id: int, approved_by: int | None, now: datetime
) -> Pair:
    """Create an introduced pair with a fresh code (its own transaction)."""
    async with db.transaction() as connection:
        return await insert(
            connection, mentee_id=mentee_id, mentor_id=mentor_id, approved_by=approved_by, now=now
        )


async def record_acceptance(
    connection: aiosqlite.Connection, pair: Pair, role: str, now: datetime
) -> None:
    """Stamp one side's [I'm in] (first press wins)."""
    column = "mentee_accepted_at" if role == "mentee" else "mentor_accepted_at"
    await connection.execute(
        f"UPDATE pairs SET {column} = COALESCE({column}, ?) WHERE id = ?", (to_db(now), pair.id)
    )


async def activate(
    connection: aiosqlite.Connection,
    pair_id: int,
    *,
    now: datetime,
    ends_at: datetime,
    fit_check_at: datetime,
) -> None:
    """Both accepted: the pair starts, with its end and first-week fit check scheduled."""
    await connection.execute(
        "UPDATE pairs SET status = 'active', started_at = ?, ends_at = ?, fit_check_at = ? "
        "WHERE id = ? AND status = 'introduced'",
        (to_db(now), to_db(ends_at), to_db(fit_check_at), pair_id),
    )


async def end(
    connection: aiosqlite.Connection, pair_id: int, *, reason: str, ended_by: str, now: datetime
) -> bool:
    """Close a pair (history kept); False if it had already ended."""
    cursor = await connection.execute(
        "UPDATE pairs SET status = 'ended', ended_at = ?, end_reason = ?, ended_by = ?, "
        "fit_check_at = NULL WHERE id = ? AND status != 'ended'",
        (to_db(now), reason[:200], ended_by, pair_id),
    )
    return cursor.rowcount == 1


async def set_fit(db: Database, pair_id: int, role: str, answer: str) -> bool:
    """Record one side's fit-check answer once; False if already answered."""
    if answer not in FIT_ANSWERS or role not in ("mentee", "mentor"):
        raise ValueError("bad fit answer or role")
    column = f"{role}_fit"
    async with db.transaction() as connection:
        cursor = await connection.execute(
            f"UPDATE pairs SET {column} = ? WHERE id = ? AND {column} IS NULL "
            "AND status = 'active'",
            (answer, pair_id),
        )
        return cursor.rowcount == 1


async def _due(db: Database, where: str, params: tuple[Any, ...]) -> list[Pair]:
    rows = await db.fetch_all(f"SELECT {PAIR_COLUMNS} FROM pairs WHERE {where} ORDER BY id", params)
    return [pair_from_row(row) for row in rows]


async def due_intro_reminders(db: Database, created_before: datetime) -> list[Pair]:
    """Introduced pairs older than the limit whose coordinators were not told yet."""
    return await _due(
        db,
        "status = 'introduced' AND created_at <= ? AND intro_reminded_at IS NULL",
        (to_db(created_before),),
    )


async def due_fit_checks(db: Database, now: datetime) -> list[Pair]:
    """Active pairs whose first-week fit check is due."""
    return await _due(db, "status = 'active' AND fit_check_at <= ?", (to_db(now),))


async def due_end_reminders(db: Database, now: datetime, ends_before: datetime) -> list[Pair]:
    """Active pairs ending before the limit (but not already over) that were not reminded."""
    return await _due(
        db,
        "status = 'active' AND ends_at <= ? AND ends_at > ? AND end_reminded_at IS NULL",
        (to_db(ends_before), to_db(now)),
    )


async def due_endings(db: Database, now: datetime) -> list[Pair]:
    """Active pairs whose programme time is over."""
    return await _due(db, "status = 'active' AND ends_at <= ?", (to_db(now),))


async def stamp(target: Target, pair_id: int, column: str, now: datetime | None) -> None:
    """Set one of the sweep's bookkeeping columns (intro_reminded_at, fit_check_at, ...)."""
    if column not in ("intro_reminded_at", "fit_check_at", "end_reminded_at"):
        raise ValueError(column)
    await target.execute(
        f"UPDATE pairs SET {column} = ? WHERE id = ?", (to_db(now) if now else None, pair_id)
    )
