"""A member's own history, for /progress: their check-ins, measures and pulses (nobody else's)."""

from __future__ import annotations

import json
from dataclasses import dataclass

from storage.db import Database


@dataclass(frozen=True)
class WeekAnswers:
    """One week's check-in answers (structured only; the note is never stored)."""

    period: str
    mood: int
    answers: dict[str, int]


@dataclass(frozen=True)
class Score:
    """One validated measure result."""

    instrument: str
    score: int
    band: str
    taken_at: str


@dataclass(frozen=True)
class Pulse:
    """One week's mentor pulse."""

    period: str
    going: int | None
    wellbeing: int | None


async def checkin_history(db: Database, member_id: int, weeks: int) -> list[WeekAnswers]:
    """The member's last `weeks` check-ins, oldest first."""
    rows = await db.fetch_all(
        "SELECT period, mood, answers FROM checkins WHERE member_id = ? ORDER BY period DESC "
        "LIMIT ?",
        (member_id, weeks),
    )
    return [
        WeekAnswers(r["period"], int(r["mood"]), json.loads(r["answers"] or "{}"))
        for r in reversed(rows)
    ]


async def scores(db: Database, member_id: int) -> list[Score]:
    """Every measure the member took, oldest first."""
    rows = await db.fetch_all(
        "SELECT instrument, score, band, taken_at FROM measures WHERE member_id = ? "
        "ORDER BY taken_at, id",
        (member_id,),
    )
    return [Score(r["instrument"], int(r["score"]), r["band"], r["taken_at"]) for r in rows]


async def pulse_history(db: Database, member_id: int, weeks: int) -> list[Pulse]:
    """The mentor's last `weeks` pulses, oldest first."""
    rows = await db.fetch_all(
        "SELECT period, going, wellbeing FROM pulses WHERE member_id = ? ORDER BY period DESC "
        "LIMIT ?",
        (member_id, weeks),
    )
    return [Pulse(r["period"], r["going"], r["wellbeing"]) for r in reversed(rows)]
