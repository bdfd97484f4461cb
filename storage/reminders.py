"""Queries behind the scheduled sweeps: who is due a check-in prompt, which pairs went quiet."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import aiosqlite

from storage import outbox
from storage.db import Database
from storage.timecodec import to_db

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
        f"SELECT {_SLOT_COLUMNS} FROM members WHERE next_checkin_at IS NULL AND {CHECKIN_ELIGIBLE}"
    )
    return [_slot(row) for row in rows]


async def due_checkins(db: Database, now: datetime) -> list[CheckinSlot]:
    """Eligible members whose next check-in is due."""
    rows = await db.fetch_all(
        f"SELECT {_SLOT_COLUMNS} FROM members WHERE next_checkin_at <= ? AND {CHECKIN_ELIGIBLE}",
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
        # A pair paused by a suspension is not "quiet": nobody is nudged to write.
        "AND e.suspended_at IS NULL AND r.suspended_at IS NULL "
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


@dataclass(frozen=True)
class CheckinGroup:
    """Due members who share a schedule and a language (one set of date maths, one text)."""

    next_at: str
    timezone: str
    weekday: int
    at: str
    language: str
    members: int


_GROUP_FILTER = (
    f"next_checkin_at = ? AND timezone = ? AND checkin_weekday = ? AND checkin_time = ? "
    f"AND language = ? AND {CHECKIN_ELIGIBLE}"
)


async def due_checkin_groups(db: Database, now: datetime) -> list[CheckinGroup]:
    """Due eligible members grouped by schedule and language."""
    rows = await db.fetch_all(
        "SELECT next_checkin_at, timezone, checkin_weekday, checkin_time, language, COUNT(*) "
        f"FROM members WHERE next_checkin_at <= ? AND {CHECKIN_ELIGIBLE} "
        "GROUP BY next_checkin_at, timezone, checkin_weekday, checkin_time, language",
        (to_db(now),),
    )
    return [CheckinGroup(*row) for row in rows]


@dataclass(frozen=True)
class PromptSlot:
    """One week's prompt for a group: key suffix, due time, expiry."""

    week: str
    due: datetime
    expires: datetime


async def queue_checkin_prompts(
    connection: aiosqlite.Connection,
    group: CheckinGroup,
    slots: Sequence[PromptSlot],
    following: datetime,
    *,
    payload: dict[str, Any],
    alias_marker: str,
    now: datetime,
) -> int:
    """Queue a group's prompts and move its next slot on, inside the caller's transaction.

    One outbox row per member and slot, written by `storage.outbox.enqueue_to_members` (one
    statement per slot); `alias_marker` in the payload becomes each member's alias.
    """
    key = group.next_at, group.timezone, group.weekday, group.at, group.language
    queued = 0
    for slot in slots:
        queued += await outbox.enqueue_to_members(
            connection,
            key=("checkin:", f":{slot.week}"),
            lane=outbox.Lane.SCHEDULED,
            kind="checkin_prompt",
            payload=payload,
            not_before=slot.due,
            expires_at=slot.expires,
            now=now,
            where=_GROUP_FILTER,
            params=key,
            alias_marker=alias_marker,
        )
    await connection.execute(
        f"UPDATE members SET next_checkin_at = ? WHERE {_GROUP_FILTER}", (to_db(following), *key)
    )
    return queued
