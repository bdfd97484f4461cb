"""The demo's cast: who you can act as, at which stage, and the moment every demo starts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.core.clock import to_db

# The demo always starts at the same moment, so a scripted run prints the same transcript.
DEMO_START = datetime(2026, 3, 5, 9, 30, tzinfo=UTC)  # a Thursday morning
PAST_COHORT_PAIRS = 36
COORDINATOR_ID = 999


@dataclass(frozen=True)
class Persona:
    """Someone you can act as in the demo."""

    key: str
    name: str
    telegram_id: int
    language: str
    story: str  # who they are, for the who-is-who table
    profile: dict[str, Any] | None = None  # None: not a member yet (they will /start)
    joined_days_ago: float = 0.02  # when they consented


def _days(n: float) -> str:
    return to_db(DEMO_START - timedelta(days=n))


CAST: tuple[Persona, ...] = (
    Persona("ana", "Ana", 111, "en", "new here: has never talked to the bot (try /start)"),
    Persona(
        "eva",
        "Eva",
        222,
        "es",
        "mentee, just consented, stopped intake at the alias question (speaks Spanish)",
        {"role": "mentee", "status": "intake", "intake_step": "alias"},
    ),
    Persona(
        "lea",
        "Lea",
        333,
        "en",
        "mentee, intake done, waiting for a match for 12 days",
        {
            "role": "mentee",
            "status": "waiting",
            "alias": "Lea",
            "age_band": "25-34",
            "languages_spoken": ["en"],
            "focus_areas": ["anxiety", "loneliness"],
            "checkin_weekday": 2,
            "checkin_time": "18:00",
            "intake_done_at": _days(12),
        },
        13,
    ),
    Persona(
        "sam",
        "Sam",
        444,
        "en",
        "mentee, paired with Max for 3 weeks, check-ins Mondays 18:00, last message 6 days ago",
        {
            "role": "mentee",
            "status": "active",
            "alias": "Sam",
            "age_band": "35-44",
            "languages_spoken": ["en"],
            "focus_areas": ["grief", "low_mood"],
            "checkin_weekday": 0,
            "checkin_time": "18:00",
            "intake_done_at": _days(30),
        },
        31,
    ),
    Persona(
        "max",
        "Max",
        555,
        "en",
        "mentor, approved, mentoring Sam, room for one more (quiet hours 21:00-08:00)",
        {
            "role": "mentor",
            "status": "active",
            "alias": "Max",
            "age_band": "35-44",
            "languages_spoken": ["en", "es"],
            "focus_areas": ["grief", "low_mood", "anxiety"],
            "lived_experience": ["grief", "low_mood"],
            "capacity": 2,
            "intake_done_at": _days(60),
            "code_agreed_at": _days(60),
            "trained_at": _days(55),
            "approved_at": _days(54),
        },
        61,
    ),
    Persona(
        "tom",
        "Tom",
        666,
        "en",
        "mentor in training: 5 of 6 modules done (try /training)",
        {
            "role": "mentor",
            "status": "training",
            "alias": "Tom",
            "age_band": "25-34",
            "languages_spoken": ["en"],
            "focus_areas": ["anxiety", "loneliness"],
            "lived_experience": ["anxiety", "loneliness"],
            "capacity": 1,
            "intake_done_at": _days(6),
            "code_agreed_at": _days(6),
        },
        7,
    ),
)
