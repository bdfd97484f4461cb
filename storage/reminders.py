"""Queries behind the scheduled sweeps: who is due a check-in prompt, which pairs went quiet."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import aiosqlite

from bot.clock import to_db
from storage.db import Database

# Who gets weekly check-in prompts: mentees who are waiting for, or in, a pairing.
CHECKIN_ELIGIBLE = (
    "role = 'mentee' AND status IN ('waiting', 'active') "
    "AND checkin_weekday IS NOT NULL AND checkin_time IS NOT NULL"
)


@dataclass(frozen=True)
class CheckinSlot:
    """A member's weekly check-in settings and their next slot (None until first computed)."""

    member_id: int
    telegram_id: int
    code: str
    alias: str | None
    language: str
    timezone: str
    weekday: int
    at: str
    next_at: str | None


def _slot(row: aiosqlite.Row) -> CheckinSlot:
    return CheckinSlot(*row)


_SLOT_COLUMNS = (
    "id, telegram_id, code, alias, language, timezone, checkin_weekday, checkin_time, "
    "next_checkin_at"
)


async def unscheduled_checkins(db: Database) -> list[CheckinSlot]:
    """Eligible members whose next check-in has not been computed yet."""
    rows = await db.fetch_all(
        f"SELECT {_SLOT_COLUMNS} FROM members "
        f"WHERE next_checkin_at IS NULL AND {CHECKIN_ELIGIBLE}"
    )
    return [_slot(row) for row in rows]


async def due_checkins(db: Database, now: datetime) -> list[CheckinSlot]:
    """Eligible members whose next check-in is due."""
    rows = await db.fetch_all(
        f"SELECT {_SLOT_COLUMNS} FROM members "
        f"WHERE next_checkin_at <= ? AND {CHECKIN_ELIGIBLE}",
        (to_db(now),),
    )
    return [_slot(row) for row in rows]


async def set_next_checkins(
    connection: aiosqlite.Connection, updates: Sequence[tuple[int, datetime]]
) -> None:
    """Store members' next check-in slots (inside the caller's transaction)."""
    await connection.executemany(
        "UPDATE members SET next_checkin_at = ? WHERE id = ?",
        [(to_db(moment), member_id) for member_id, moment in updates],
    )


@dataclass(frozen=True)
class PairParty:
    """One side of a pair, as a nudge needs it."""

    member_id: int
    telegram_id: int
    code: str
    alias: str | None
    language: str


@dataclass(frozen=True)
class QuietPair:
    """An active pair and when its members were last in touch."""

    code: str
    since: str
    mentee: PairParty | None
    mentor: PairParty | None


async def quiet_pairs(db: Database, silent_since: datetime, oldest: datetime) -> list[QuietPair]:
    """Active pairs whose last contact (or start) lies between `oldest` and `silent_since`."""
    party = "{p}.id, {p}.telegram_id, {p}.code, {p}.alias, {p}.language"
    rows = await db.fetch_all(
        "SELECT p.code, COALESCE(p.last_contact_at, p.started_at) AS since, "
        f"{party.format(p='e')}, {party.format(p='r')} "
        "FROM pairs AS p LEFT JOIN members AS e ON e.id = p.mentee_id "
        "LEFT JOIN members AS r ON r.id = p.mentor_id "
        "WHERE p.status = 'active' AND COALESCE(p.last_contact_at, p.started_at) <= ? "
        "AND COALESCE(p.last_contact_at, p.started_at) > ? ORDER BY p.id",
        (to_db(silent_since), to_db(oldest)),
    )
    found = []
    for row in rows:
        values = tuple(row)
        mentee = PairParty(*values[2:7]) if values[2] is not None else None
        mentor = PairParty(*values[7:12]) if values[7] is not None else None
        found.append(QuietPair(values[0], values[1], mentee, mentor))
    return found


async def mark_unreachable(db: Database, member_id: int, now: datetime) -> bool:
    """Flag a member who blocked the bot; True only the first time (so coordinators hear once)."""
    async with db.transaction() as connection:
        cursor = await connection.execute(
            "UPDATE members SET unreachable = 1, updated_at = ? WHERE id = ? AND unreachable = 0",
            (to_db(now), member_id),
        )
        return cursor.rowcount == 1
