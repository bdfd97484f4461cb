"""Members: the operational profile of everyone who consented."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from storage.codes import new_code
from storage.db import Database
from storage.timecodec import to_db

MEMBER_COLUMNS = (
    "id, telegram_id, code, role, alias, language, country, timezone, age_band, languages_spoken, "
    "focus_areas, lived_experience, preferences, checkin_weekday, checkin_time, quiet_start, "
    "quiet_end, capacity, status, consented_at, intake_done_at, trained_at, approved_at, "
    "stepped_back, paused_until, unreachable, next_checkin_at, created_at, updated_at, "
    "code_agreed_at, intake_step, suspended_at, suspended_reason, cohort, "
    "invited_at"
)


@dataclass(frozen=True)
class Member:
    """One member's row."""

    id: int
    telegram_id: int
    code: str
    role: str | None
    alias: str | None
    language: str
    country: str | None
    timezone: str
    age_band: str | None
    languages_spoken: list[str]
    focus_areas: list[str]
    lived_experience: list[str]
    preferences: dict[str, Any]
    checkin_weekday: int | None
    checkin_time: str | None
    quiet_start: str
    quiet_end: str
    capacity: int
    status: str
    consented_at: str
    intake_done_at: str | None
    trained_at: str | None
    approved_at: str | None
    stepped_back: bool
    paused_until: str | None
    unreachable: bool
    next_checkin_at: str | None
    created_at: str
    updated_at: str
    code_agreed_at: str | None = None
    intake_step: str | None = None
    suspended_at: str | None = None
    suspended_reason: str | None = None
    cohort: str | None = None
    invited_at: str | None = None

    @property
    def display_alias(self) -> str:
        """Alias, or the code before an alias is chosen."""
        return self.alias or self.code


def member_from_row(row: Any) -> Member:
    """Build a Member from a row selected with MEMBER_COLUMNS."""
    values = dict(row)
    for key in ("languages_spoken", "focus_areas", "lived_experience", "preferences"):
        values[key] = json.loads(values[key])
    values["stepped_back"] = bool(values["stepped_back"])
    values["unreachable"] = bool(values["unreachable"])
    return Member(**values)


async def get_by_telegram_id(db: Database, telegram_id: int) -> Member | None:
    """The member with this Telegram id, if they consented."""
    row = await db.fetch_one(
        f"SELECT {MEMBER_COLUMNS} FROM members WHERE telegram_id = ?", (telegram_id,)
    )
    return member_from_row(row) if row else None


async def get_by_code(db: Database, code: str) -> Member | None:
    """The member with this code."""
    row = await db.fetch_one(
        f"SELECT {MEMBER_COLUMNS} FROM members WHERE code = ?", (code.strip().upper(),)
    )
    return member_from_row(row) if row else None


async def get_by_id(db: Database, member_id: int) -> Member | None:
    """The member with this row id."""
    row = await db.fetch_one(f"SELECT {MEMBER_COLUMNS} FROM members WHERE id = ?", (member_id,))
    return member_from_row(row) if row else None


async def create_on_consent(
    db: Database, *, telegram_id: int, language: str, country: str, timezone: str, now: datetime
) -> Member:
    """Create the member at the moment they agree (idempotent: a second press changes nothing)."""
    existing = await get_by_telegram_id(db, telegram_id)
    if existing:
        return existing
    stamp = to_db(now)
    for _ in range(10):  # a fresh random code; retry on the rare collision
        try:
            await db.execute(
                "INSERT INTO members (telegram_id, code, language, country, timezone, "
                "consented_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (telegram_id, new_code("M"), language, country, timezone, stamp, stamp, stamp),
            )
            break
        except sqlite3.IntegrityError:
            existing = await get_by_telegram_id(db, telegram_id)
            if existing:  # two devices pressed "I agree" at once
                return existing
    member = await get_by_telegram_id(db, telegram_id)
    assert member is not None
    return member


PROFILE_FIELDS = frozenset(
    {
        "role",
        "alias",
        "language",
        "country",
        "timezone",
        "age_band",
        "languages_spoken",
        "focus_areas",
        "lived_experience",
        "preferences",
        "checkin_weekday",
        "checkin_time",
        "quiet_start",
        "quiet_end",
        "capacity",
        "status",
        "intake_done_at",
        "trained_at",
        "approved_at",
        "stepped_back",
        "paused_until",
        "unreachable",
        "next_checkin_at",
        "code_agreed_at",
        "intake_step",
        "cohort",
        "invited_at",
    }
)
_JSON_FIELDS = frozenset({"languages_spoken", "focus_areas", "lived_experience", "preferences"})


async def update_profile(db: Database, member_id: int, now: datetime, **fields: Any) -> Member:
    """Change profile columns (named explicitly; lists/dicts stored as JSON)."""
    unknown = set(fields) - PROFILE_FIELDS
    if unknown:
        raise ValueError(f"not profile fields: {sorted(unknown)}")
    columns = sorted(fields)
    values = [json.dumps(fields[c]) if c in _JSON_FIELDS else fields[c] for c in columns]
    assignments = ", ".join(f"{column} = ?" for column in columns)
    await db.execute(
        f"UPDATE members SET {assignments}, updated_at = ? WHERE id = ?",
        (*values, to_db(now), member_id),
    )
    member = await get_by_id(db, member_id)
    assert member is not None
    return member
