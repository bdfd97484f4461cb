"""Compatibility of a mentee and a mentor: hard constraints, weighted soft factors, reasons.

Pure: no database, no Telegram. Every factor is computed for whole arrays at once (numpy), so
scoring 2,000 mentees against 500 mentors takes milliseconds; the single-pair `assess` runs the
very same code on a 1 x 1 problem, so the number a coordinator sees for one pair is always the
number the assignment used. The assignment itself lives in bot/programme/assignment.py.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
from numpy.typing import NDArray

from bot.catalog.matching import MatchingConfig

MINUTES_PER_DAY = 24 * 60
Matrix = NDArray[np.float64]


@dataclass(frozen=True)
class Mentee:
    """What matching needs to know about someone waiting for a mentor."""

    id: int
    code: str
    languages: frozenset[str]
    focus_areas: frozenset[str] = frozenset()
    age_band: str | None = None
    timezone: str = "UTC"
    checkin_time: str | None = None  # local HH:MM of the weekly check-in
    wishes: Mapping[str, str] = field(default_factory=dict)  # stated preferences
    waiting_since: datetime | None = None
    past_mentors: frozenset[int] = frozenset()  # pairs that already ended are not repeated


@dataclass(frozen=True)
class Mentor:
    """What matching needs to know about a mentor."""

    id: int
    code: str
    languages: frozenset[str]
    lived_experience: frozenset[str] = frozenset()
    age_band: str | None = None
    timezone: str = "UTC"
    quiet_start: str = "21:00"
    quiet_end: str = "08:00"
    attributes: Mapping[str, str] = field(default_factory=dict)  # what mentee wishes compare to
    approved: bool = True
    trained: bool = True
    stepped_back: bool = False
    paused: bool = False
    unreachable: bool = False
    suspended: bool = False
    free_slots: int = 1  # capacity minus current pairs


@dataclass(frozen=True)
class Reason:
    """One human-readable reason, as a locale key suffix and its values."""

    key: str
    params: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Assessment:
    """A pair's score (0..max), the hard constraints it breaks, and why it fits."""

    score: float
    broken: tuple[str, ...]
    reasons: tuple[Reason, ...]

    @property
    def allowed(self) -> bool:
        """True when no hard constraint is broken."""
        return not self.broken


@dataclass(frozen=True)
class Scores:
    """Scores of every mentee (rows) against every mentor (columns)."""

    raw: Matrix  # weighted soft factors, whether or not the pair is allowed
    allowed: NDArray[np.bool_]
    factors: dict[str, Matrix]  # each soft factor in 0..1

    @property
    def value(self) -> Matrix:
        """Score where allowed, 0 elsewhere (what the assignment maximises)."""
        return np.where(self.allowed, self.raw, 0.0)


@lru_cache(maxsize=512)
def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def utc_offset_hours(timezone: str, now: datetime) -> float:
    """The zone's offset from UTC at this moment, in hours (DST-aware)."""
    offset = now.astimezone(_zone(timezone)).utcoffset() or timedelta(0)
    return offset.total_seconds() / 3600


def _minutes(hhmm: str | None) -> float:
    """Minutes after midnight for 'HH:MM', NaN when unknown or malformed."""
    if not hhmm:
        return float("nan")
    try:
        hours, minutes = hhmm.split(":")
        return float(int(hours) * 60 + int(minutes))
    except ValueError:
        return float("nan")


def normalise(value: object) -> str:
    """A value as preferences compare it: trimmed, lower-case."""
    return str(value).strip().lower()


def _incidence(
    sets: Sequence[frozenset[str]], vocabulary: dict[str, int]
) -> NDArray[np.float32]:  # float32 on purpose: half the memory of Matrix, exact for 0/1
    """Rows of 0/1 marking which vocabulary items each set holds."""
    matrix = np.zeros((len(sets), max(1, len(vocabulary))), dtype=np.float32)
    for row, items in enumerate(sets):
        for item in items:
            matrix[row, vocabulary[item]] = 1.0
    return matrix


def _codes(values: Sequence[str | None], table: dict[str, int], missing: int) -> NDArray[np.int64]:
    """Each value's integer code (new values get new codes), `missing` for None."""
    out = np.full(len(values), missing, dtype=np.int64)
    for index, value in enumerate(values):
        if value is not None:
            out[index] = table.setdefault(value, len(table))
    return out


def mentor_value(mentor: Mentor, key: str) -> str | None:
    """The mentor's value for a preference: a profile field, else an attribute."""
    if key == "age_band":
        return mentor.age_band
    value = mentor.attributes.get(key)
    return None if value is None else str(value)


def score_matrix(
    mentees: Sequence[Mentee], mentors: Sequence[Mentor], config: MatchingConfig, now: datetime
) -> Scores:
    """Every soft factor and hard constraint for every mentee x mentor, vectorised."""
    n, m = len(mentees), len(mentors)
    weights = config.weights

    # Hard: a shared language.
    vocabulary: dict[str, int] = {}
    people: list[Mentee | Mentor] = [*mentees, *mentors]
    for person in people:
        for language in person.languages:
            vocabulary.setdefault(language, len(vocabulary))
    shared_language = (
        _incidence([e.languages for e in mentees], vocabulary)
        @ _incidence([r.languages for r in mentors], vocabulary).T
    ) > 0

    # Hard: the mentor can take someone now.
    mentor_ok = np.array(
        [
            r.approved
            and r.trained
            and not (r.stepped_back or r.paused or r.unreachable or r.suspended)
            and r.free_slots > 0
            for r in mentors
        ],
        dtype=bool,
    )
    allowed = shared_language & mentor_ok[None, :]

    # Hard: not a pair that already ended.
    mentor_index = {r.id: j for j, r in enumerate(mentors)}
    for i, mentee in enumerate(mentees):
        for past in mentee.past_mentors:
            if past in mentor_index:
                allowed[i, mentor_index[past]] = False

    # Hard: each stated preference.
    for key, rule in config.preferences.items():
        any_values = {normalise(v) for v in rule.any_values}
        table: dict[str, int] = {}
        wishes = [
            normalise(e.wishes[key])
            if key in e.wishes and normalise(e.wishes[key]) not in any_values
            else None
            for e in mentees
        ]
        wish_codes = _codes(wishes, table, -1)
        values = [
            normalise(value) if (value := mentor_value(r, rule.mentor_key)) is not None else None
            for r in mentors
        ]
        value_codes = _codes(values, table, -2)
        mismatch = (wish_codes[:, None] >= 0) & (wish_codes[:, None] != value_codes[None, :])
        allowed &= ~mismatch

    # Soft: focus areas the mentor has lived through.
    areas: dict[str, int] = {}
    for mentee in mentees:
        for area in mentee.focus_areas:
            areas.setdefault(area, len(areas))
    focus = _incidence([e.focus_areas for e in mentees], areas)
    lived = _incidence(
        [frozenset(a for a in r.lived_experience if a in areas) for r in mentors], areas
    )
    wanted = np.maximum(focus.sum(axis=1, keepdims=True), 1.0)
    focus_overlap = (focus @ lived.T) / wanted

    # Soft: age-band closeness.
    band_index = {band: index for index, band in enumerate(config.age_bands)}
    mentee_band = np.array([band_index.get(e.age_band or "", -1) for e in mentees])
    mentor_band = np.array([band_index.get(r.age_band or "", -1) for r in mentors])
    closeness = np.array([*config.age_band_closeness, 0.0], dtype=np.float64)
    distance = np.abs(mentee_band[:, None] - mentor_band[None, :])
    distance = np.minimum(distance, len(closeness) - 1)
    age = closeness[distance]
    age[(mentee_band[:, None] < 0) | (mentor_band[None, :] < 0)] = 0.0

    # Soft: time zones close together.
    mentee_offset = np.array([utc_offset_hours(e.timezone, now) for e in mentees])
    mentor_offset = np.array([utc_offset_hours(r.timezone, now) for r in mentors])
    apart = np.abs(mentee_offset[:, None] - mentor_offset[None, :])
    timezone = np.clip(1.0 - apart / config.timezone_zero_hours, 0.0, 1.0)

    # Soft: the mentee's check-in time falls outside the mentor's quiet hours.
    checkin_utc = (
        np.array([_minutes(e.checkin_time) for e in mentees]) - mentee_offset * 60
    ) % MINUTES_PER_DAY
    quiet_from = (
        np.array([_minutes(r.quiet_start) for r in mentors]) - mentor_offset * 60
    ) % MINUTES_PER_DAY
    quiet_to = (
        np.array([_minutes(r.quiet_end) for r in mentors]) - mentor_offset * 60
    ) % MINUTES_PER_DAY
    at = checkin_utc[:, None]
    wraps = quiet_from > quiet_to
    inside = np.where(
        wraps[None, :],
        (at >= quiet_from[None, :]) | (at < quiet_to[None, :]),
        (at >= quiet_from[None, :]) & (at < quiet_to[None, :]),
    )
    known = ~np.isnan(at) & ~np.isnan(quiet_from)[None, :] & ~np.isnan(quiet_to)[None, :]
    checkin = np.where(known & ~inside, 1.0, 0.0)

    # Soft: time on the waiting list (the same for every mentor; it orders who is served first).
    waited = np.array(
        [
            (now - e.waiting_since).total_seconds() / 86400 if e.waiting_since else 0.0
            for e in mentees
        ]
    )
    waiting = np.broadcast_to(np.clip(waited / config.waiting_full_days, 0.0, 1.0)[:, None], (n, m))

    factors = {
        "focus_overlap": focus_overlap.astype(np.float64),
        "age_band": age,
        "timezone": timezone,
        "checkin_window": checkin,
        "waiting_time": waiting,
    }
    raw = np.full((n, m), weights.base, dtype=np.float64)
    for name, values in factors.items():
        raw = raw + getattr(weights, name) * values
    return Scores(raw=np.round(raw, 6), allowed=allowed, factors=factors)
