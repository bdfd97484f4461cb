"""Check-ins (structured answers only), drafts in progress and measures."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from storage.db import Database
from storage.timecodec import from_db, to_db

CHECKIN_COLUMNS = (
    "id, member_id, pair_id, period, mood, answers, note_shared, wants_contact, created_at, "
    "updated_at"
)


@dataclass(frozen=True)
class TakenMeasure:
    """A measure taken earlier: occasion and time."""

    occasion: str
    taken_at: datetime


@dataclass(frozen=True)
class Checkin:
    """One week's check-in."""

    id: int
    member_id: int
    pair_id: int | None
    period: str
    mood: int
    answers: dict[str, int]
    note_shared: bool
    wants_contact: bool
    created_at: str
    updated_at: str


@dataclass(frozen=True)
class Draft:
    """A check-in in progress."""

    member_id: int
    period: str
    plan: list[str]
    position: int
    answers: dict[str, Any]
    note: str | None
    started_at: str
    updated_at: str

    @property
    def step(self) -> str | None:
        """The current step key, or None when every step is answered."""
        return self.plan[self.position] if self.position < len(self.plan) else None


def _checkin(row: Any) -> Checkin:
    """Build a Checkin from a row selected with CHECKIN_COLUMNS."""
    values = dict(row)
    values["answers"] = json.loads(values["answers"])
    values["note_shared"] = bool(values["note_shared"])
    values["wants_contact"] = bool(values["wants_contact"])
    return Checkin(**values)


# ---- drafts -------------------------------------------------------------------------------
async def start_draft(
    db: Database, member_id: int, period: str, plan: list[str], now: datetime
) -> Draft:
    """Begin (or restart) a check-in."""
    await db.execute(
        "INSERT INTO checkin_drafts (member_id, period, plan, position, answers, note, started_at, "
        "updated_at) VALUES (?, ?, ?, 0, '{}', NULL, ?, ?) ON CONFLICT (member_id) DO UPDATE SET "
        "period = excluded.period, plan = excluded.plan, position = 0, answers = '{}', "
        "note = NULL, started_at = excluded.started_at, updated_at = excluded.updated_at",
        (member_id, period, json.dumps(plan), to_db(now), to_db(now)),
    )
    draft = await get_draft(db, member_id)
    assert draft is not None
    return draft


async def get_draft(db: Database, member_id: int) -> Draft | None:
    """The member's check-in in progress."""
    row = await db.fetch_one(
        "SELECT member_id, period, plan, position, answers, note, started_at, updated_at "
        "FROM checkin_drafts WHERE member_id = ?",
        (member_id,),
    )
    if row is None:
        return None
    values = dict(row)
    values["plan"] = json.loads(values["plan"])
    values["answers"] = json.loads(values["answers"])
    return Draft(**values)


async def save_answer(
    db: Database,
    draft: Draft,
    key: str,
    value: Any,
    now: datetime,
    *,
    note: str | None = None,
    skip_next: bool = False,
) -> Draft:
    """Store one answer and move on (optionally skipping the next step, e.g. the share choice)."""
    answers = dict(draft.answers, **{key: value})
    position = draft.position + (2 if skip_next else 1)
    await db.execute(
        "UPDATE checkin_drafts SET answers = ?, position = ?, note = COALESCE(?, note), "
        "updated_at = ? WHERE member_id = ?",
        (json.dumps(answers), position, note, to_db(now), draft.member_id),
    )
    updated = await get_draft(db, draft.member_id)
    assert updated is not None
    return updated


async def delete_draft(db: Database, member_id: int) -> None:
    """Forget a draft (finished, abandoned, or expired), its note included."""
    await db.execute("DELETE FROM checkin_drafts WHERE member_id = ?", (member_id,))


async def delete_stale_drafts(db: Database, before: datetime) -> int:
    """Drop drafts untouched since `before`; returns how many."""
    async with db.transaction() as connection:
        cursor = await connection.execute(
            "DELETE FROM checkin_drafts WHERE updated_at < ?", (to_db(before),)
        )
        return cursor.rowcount


# ---- check-ins ----------------------------------------------------------------------------
async def save_checkin(
    db: Database,
    *,
    member_id: int,
    pair_id: int | None,
    period: str,
    mood: int,
    answers: dict[str, int],
    note_shared: bool,
    wants_contact: bool,
    now: datetime,
) -> tuple[Checkin, bool]:
    """Insert this week's check-in, or update it; returns it and whether it is new."""
    existing = await db.fetch_value(
        "SELECT id FROM checkins WHERE member_id = ? AND period = ?", (member_id, period)
    )
    await db.execute(
        "INSERT INTO checkins (member_id, pair_id, period, mood, answers, note_shared, "
        "wants_contact, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (member_id, period) DO UPDATE SET pair_id = excluded.pair_id, "
        "mood = excluded.mood, answers = excluded.answers, note_shared = excluded.note_shared, "
        "wants_contact = excluded.wants_contact, updated_at = excluded.updated_at",
        (
            member_id,
            pair_id,
            period,
            mood,
            json.dumps(answers),
            int(note_shared),
            int(wants_contact),
            to_db(now),
            to_db(now),
        ),
    )
    row = await db.fetch_one(
        f"SELECT {CHECKIN_COLUMNS} FROM checkins WHERE member_id = ? AND period = ?",
        (member_id, period),
    )
    return _checkin(row), existing is None


async def recent_moods(db: Database, member_id: int, before_period: str, limit: int) -> list[int]:
    """Moods of earlier check-ins, oldest first (at most `limit`)."""
    rows = await db.fetch_all(
        "SELECT mood FROM checkins WHERE member_id = ? AND period < ? ORDER BY period DESC LIMIT ?",
        (member_id, before_period, limit),
    )
    return [int(row["mood"]) for row in reversed(rows)]


async def count_checkins(db: Database, member_id: int) -> int:
    """How many weekly check-ins a member has."""
    return int(
        await db.fetch_value("SELECT COUNT(*) FROM checkins WHERE member_id = ?", (member_id,)) or 0
    )


# ---- measures -----------------------------------------------------------------------------
async def taken_measures(db: Database, member_id: int, instrument: str) -> list[TakenMeasure]:
    """Earlier results' occasions and times."""
    rows = await db.fetch_all(
        "SELECT occasion, taken_at FROM measures WHERE member_id = ? AND instrument = ? "
        "ORDER BY taken_at",
        (member_id, instrument),
    )
    result = []
    for row in rows:
        taken_at = from_db(row["taken_at"])
        assert taken_at is not None
        result.append(TakenMeasure(row["occasion"], taken_at))
    return result


async def add_measure(
    db: Database,
    *,
    member_id: int,
    instrument: str,
    occasion: str,
    score: int,
    band: str,
    now: datetime,
) -> None:
    """Record a total score and its band (never the item answers)."""
    await db.execute(
        "INSERT INTO measures (member_id, instrument, occasion, score, band, taken_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (member_id, instrument, occasion, score, band, to_db(now)),
    )


async def has_checkin(db: Database, member_id: int, period: str) -> bool:
    """Has the member already checked in this period?"""
    value = await db.fetch_value(
        "SELECT 1 FROM checkins WHERE member_id = ? AND period = ?", (member_id, period)
    )
    return value is not None
