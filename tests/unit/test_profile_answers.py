"""bot/programme/intake.button_answer: what a profile button's answer changes, checked against content."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache
from types import SimpleNamespace
from typing import Any, cast

import pytest

from bot.content import Content, load_content
from bot.core.clock import to_db
from bot.programme.intake import Answer, button_answer
from storage.members import Member

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
LANGUAGES = ("en", "es")


@lru_cache(maxsize=1)
def content() -> Content:
    return load_content()


def member(**fields: Any) -> Member:
    """Only the fields button_answer reads."""
    values = {"preferences": {}, "languages_spoken": [], "focus_areas": [], "lived_experience": []}
    return cast(Member, SimpleNamespace(**{**values, **fields}))


def answer(step: str, value: str, who: Member | None = None) -> Answer:
    return button_answer(
        step, value, who or member(), content().intake, content().crisis.countries, LANGUAGES, NOW
    )


@pytest.mark.parametrize(
    ("step", "value", "expected"),
    [
        ("role", "mentor", Answer("advance", {"role": "mentor"})),
        ("age", "25-34", Answer("advance", {"age_band": "25-34"})),
        ("country", "ES", Answer("goto", {"country": "ES"}, "tz")),
        ("country", "ZZ", Answer("goto", {"country": "ZZ"}, "tzpick")),
        ("tz", "pick", Answer("goto", step="tzpick")),
        (
            "tzpick",
            "Europe/Madrid",
            Answer("advance", {"timezone": "Europe/Madrid", "next_checkin_at": None}),
        ),
        ("cap", "2", Answer("advance", {"capacity": 2})),
        ("day", "6", Answer("advance", {"checkin_weekday": 6, "next_checkin_at": None})),
        ("time", "1830", Answer("advance", {"checkin_time": "18:30", "next_checkin_at": None})),
        ("quiet", "keep", Answer("advance")),
        ("quiet", "change", Answer("goto", step="qstart")),
        ("qstart", "2200", Answer("goto", {"quiet_start": "22:00"}, "qend")),
        ("qend", "0700", Answer("advance", {"quiet_end": "07:00"})),
        ("code", "agree", Answer("advance", {"code_agreed_at": to_db(NOW)})),
        ("lang", "es", Answer("advance", {"language": "es"})),
    ],
)
def test_a_valid_button_says_what_to_store_and_where_to_go(
    step: str, value: str, expected: Answer
) -> None:
    assert answer(step, value) == expected


@pytest.mark.parametrize(
    ("step", "value"),
    [
        ("role", "admin"),
        ("age", "12-15"),
        ("gender", "robot"),
        ("langs", "xx"),
        ("country", "XX"),
        ("tzpick", "Mars/Olympus"),
        ("cap", "9"),
        ("day", "7"),
        ("time", "2561"),
        ("time", "18"),
        ("quiet", "maybe"),
        ("qstart", "1234"),
        ("qend", "07"),
        ("code", "no"),
        ("lang", "fr"),
        ("nosuchstep", "x"),
    ],
)
def test_a_value_the_content_does_not_offer_is_refused_and_nothing_is_stored(
    step: str, value: str
) -> None:
    result = answer(step, value)
    assert result.kind == "invalid" and result.message == "common.invalid_button"
    assert not result.changes


def test_gender_and_partner_preference_keep_the_other_preferences() -> None:
    who = member(preferences={"gender": "woman"})
    assert answer("pref", "any", who) == Answer(
        "advance", {"preferences": {"gender": "woman", "mentor_gender": "any"}}
    )


def test_a_multiple_choice_toggles_and_done_needs_one_chosen() -> None:
    assert answer("langs", "es") == Answer("stay", {"languages_spoken": ["es"]})
    assert answer("langs", "es", member(languages_spoken=["en", "es"])) == Answer(
        "stay", {"languages_spoken": ["en"]}
    )
    assert answer("focus", "done") == Answer("invalid", message="intake.pick_at_least_one")
    assert answer("lived", "done", member(lived_experience=["grief"])) == Answer("advance")
