"""Why a pair fits or not: the hard constraints it breaks and the reasons coordinators read.

The score itself comes from `bot.programme.matching.score_matrix`, so one pair is judged with the same
maths as the whole matrix.
"""

from __future__ import annotations

from datetime import datetime

from bot.catalog.matching import MatchingConfig
from bot.programme.matching import (
    Assessment,
    Mentee,
    Mentor,
    Reason,
    mentor_value,
    normalise,
    score_matrix,
    utc_offset_hours,
)


def broken_constraints(mentee: Mentee, mentor: Mentor, config: MatchingConfig) -> tuple[str, ...]:
    """Which hard constraints this pair breaks (empty when allowed), as stable ids."""
    broken = []
    if not (mentee.languages & mentor.languages):
        broken.append("language")
    for flag, name in (
        (not mentor.approved, "not_approved"),
        (not mentor.trained, "not_trained"),
        (mentor.stepped_back, "stepped_back"),
        (mentor.paused, "paused"),
        (mentor.unreachable, "unreachable"),
        (mentor.suspended, "suspended"),
        (mentor.free_slots <= 0, "full"),
        (mentor.id in mentee.past_mentors, "paired_before"),
    ):
        if flag:
            broken.append(name)
    for key, rule in config.preferences.items():
        wish = mentee.wishes.get(key)
        if wish is None or normalise(wish) in {normalise(v) for v in rule.any_values}:
            continue
        value = mentor_value(mentor, rule.mentor_key)
        if value is None or normalise(value) != normalise(wish):
            broken.append(f"preference:{key}")
    return tuple(broken)


def _hours(value: float) -> str:
    """1.0 -> '1', 5.5 -> '5.5'."""
    return f"{value:g}"


def assess(mentee: Mentee, mentor: Mentor, config: MatchingConfig, now: datetime) -> Assessment:
    """One pair: score, broken hard constraints and the reasons, from the same maths as the matrix."""
    scores = score_matrix([mentee], [mentor], config, now)
    factors = {name: float(values[0, 0]) for name, values in scores.factors.items()}
    reasons: list[Reason] = []
    shared_areas = sorted(mentee.focus_areas & mentor.lived_experience)
    if shared_areas:
        areas = ", ".join(area.replace("_", " ") for area in shared_areas)
        reasons.append(Reason("focus", {"areas": areas}))
    languages = sorted(mentee.languages & mentor.languages)
    if languages:
        reasons.append(Reason("language", {"languages": ", ".join(languages)}))
    if factors["age_band"] >= 1.0:
        reasons.append(Reason("age_same"))
    elif factors["age_band"] > 0:
        reasons.append(Reason("age_close"))
    apart = abs(utc_offset_hours(mentee.timezone, now) - utc_offset_hours(mentor.timezone, now))
    if apart == 0:
        reasons.append(Reason("tz_same"))
    else:
        reasons.append(Reason("tz_apart", {"hours": _hours(apart)}))
    if factors["checkin_window"] > 0:
        reasons.append(Reason("checkin_fits"))
    if mentee.waiting_since is not None:
        days = int((now - mentee.waiting_since).total_seconds() // 86400)
        if days >= 1:
            reasons.append(Reason("waiting", {"days": str(days)}))
    return Assessment(
        score=float(scores.raw[0, 0]),
        broken=broken_constraints(mentee, mentor, config),
        reasons=tuple(reasons),
    )
