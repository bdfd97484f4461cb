"""Boundary detection in relayed messages, and the dependency/burnout signals."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.catalog.relay import SignalThresholds
from bot.catalog.relay import load as load_relay
from bot.content import default_content_dir
from bot.programme.signals import PairWeek, evaluate, is_night
from bot.screen import boundaries

RULES = boundaries.MeetingRules.from_content(load_relay(default_content_dir()).boundaries)


def detect(text: str, region: str = "US", entities: tuple[str, ...] = ()) -> list[str]:
    return boundaries.detect(text, region=region, meeting=RULES, entity_types=entities)


@pytest.mark.parametrize(
    ("text", "region", "kinds"),
    [
        ("call me on (415) 555-2671", "US", ["phone"]),
        ("+44 20 7946 0958 any time", "US", ["phone"]),
        ("mi número es 612 345 678", "ES", ["phone"]),
        ("add me @sunny_days", "US", ["handle"]),
        ("write to ana.p@example.org", "US", ["email"]),
        ("look at https://example.com/x", "US", ["link"]),
        ("see www.example.org", "US", ["link"]),
        ("let's meet up on Friday", "US", ["meeting"]),
        ("¿Quedamos el lunes para tomar un café?", "ES", ["meeting"]),
        ("I walked 12000 steps in 2026 and slept 8 hours", "US", []),
        ("I felt better at 5:30 today", "US", []),
        ("email me ana@example.org or call 415-555-2671", "US", ["phone", "email"]),
        # Greetings and other senses of "meet" are not plans to meet.
        ("Hi Max, nice to meet you. I am a bit nervous", "US", []),
        ("Hola Max, encantada de conocerte. ¿Quedamos el sábado?", "ES", ["meeting"]),
        ("I met up with my sister and it went well", "US", []),
        ("Nice to meet you! Shall we meet at the park?", "US", ["meeting"]),
        ("Want to hang out after my meeting?", "US", ["meeting"]),
        ("My friends want to hang out but I'm not ready", "US", []),
        ("Quedamos en que hablaría con mi jefe", "ES", []),
        ("Estoy cansada.me voy a dormir", "ES", []),  # no space after a full stop: not a link
        ("In real life I'm a teacher", "US", []),
        ("My mom will visit me this weekend", "US", []),
        ("Can you visit me?", "US", ["meeting"]),
        ("mi tienda es tienda.com.mx", "MX", ["link"]),
    ],
)
def test_detects_each_kind(text: str, region: str, kinds: list[str]) -> None:
    assert detect(text, region) == kinds


def test_dev_set_false_flags_stay_under_two_percent() -> None:
    from bench.boundaries_eval import DEFAULT_FILE, REGIONS, evaluate, read_rows

    counts = evaluate(read_rows(DEFAULT_FILE), REGIONS)
    for language in ("en", "es"):
        total, flagged = counts[(language, "ok", "*")]
        assert total >= 150 and flagged / total < 0.02
        total, flagged = counts[(language, "flag", "*")]
        assert flagged / total >= 0.9


def test_telegram_entities_count_too() -> None:
    assert detect("tap this", entities=("text_link", "mention")) == ["handle", "link"]


@given(st.text(max_size=300))
def test_detect_never_raises_and_returns_known_kinds(text: str) -> None:
    found = detect(text)
    assert set(found) <= set(boundaries.KINDS)
    assert boundaries.decode(boundaries.encode(found)) == found


THRESHOLDS = SignalThresholds()


def week(**counts: int) -> PairWeek:
    values = {
        "mentee_sent": 0,
        "mentor_sent": 0,
        "mentee_into_quiet": 0,
        "mentor_into_quiet": 0,
        "mentor_night": 0,
    } | counts
    return PairWeek(pair_id=1, pair_code="P1", **values)


def test_a_balanced_daytime_week_is_not_flagged() -> None:
    assert evaluate(week(mentee_sent=20, mentor_sent=15, mentee_into_quiet=2), THRESHOLDS) == ()


def test_each_signal() -> None:
    assert evaluate(week(mentee_sent=70, mentor_sent=40), THRESHOLDS) == ("volume",)
    assert evaluate(week(mentee_sent=30, mentor_sent=5), THRESHOLDS) == ("imbalance",)
    assert evaluate(week(mentee_sent=20, mentor_sent=20, mentee_into_quiet=10), THRESHOLDS) == (
        "quiet_hours",
    )
    assert evaluate(week(mentee_sent=5, mentor_sent=8, mentor_night=6), THRESHOLDS) == (
        "mentor_night",
    )
    # Few messages: shares and ratios are not judged on tiny numbers.
    assert evaluate(week(mentee_sent=4, mentor_sent=0, mentee_into_quiet=4), THRESHOLDS) == ()


def test_night_is_in_the_senders_zone() -> None:
    moment = datetime(2026, 3, 3, 23, 30, tzinfo=UTC)
    assert is_night(moment, "UTC", THRESHOLDS)
    assert not is_night(moment, "America/New_York", THRESHOLDS)  # 18:30 there
