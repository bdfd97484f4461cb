"""The demo's /wait arguments: durations, 'until' moments and the hourly stops on the way."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.sandbox.demo_time import WEEKDAYS, parse_duration, parse_until, steps, target_of

THURSDAY = datetime(2026, 3, 5, 9, 30, tzinfo=UTC)
moments = st.datetimes(
    min_value=datetime(2025, 1, 1), max_value=datetime(2030, 1, 1), timezones=st.just(UTC)
)


def test_durations() -> None:
    assert parse_duration("1d") == timedelta(days=1)
    assert parse_duration("90m") == timedelta(minutes=90)
    assert parse_duration(" 2w ") == timedelta(weeks=2)
    with pytest.raises(ValueError):
        parse_duration("soon")


def test_until_examples() -> None:
    assert parse_until("monday 18:00", THURSDAY) == datetime(2026, 3, 9, 18, 0, tzinfo=UTC)
    assert parse_until("thursday 18:00", THURSDAY) == datetime(2026, 3, 5, 18, 0, tzinfo=UTC)
    assert parse_until("thursday 9:00", THURSDAY) == datetime(2026, 3, 12, 9, 0, tzinfo=UTC)
    assert parse_until("the morning", THURSDAY) == datetime(2026, 3, 6, 8, 0, tzinfo=UTC)
    assert parse_until("22:00", THURSDAY) == datetime(2026, 3, 5, 22, 0, tzinfo=UTC)
    assert parse_until("tomorrow 7:15", THURSDAY) == datetime(2026, 3, 6, 7, 15, tzinfo=UTC)
    assert target_of("until sunday", THURSDAY) == datetime(2026, 3, 8, 8, 0, tzinfo=UTC)
    assert target_of("2h", THURSDAY) == THURSDAY + timedelta(hours=2)
    for bad in ("", "someday", "monday 25:00", "monday 18:00 sharp", "12:60"):
        with pytest.raises(ValueError):
            parse_until(bad, THURSDAY)


@given(
    now=moments, day=st.sampled_from(WEEKDAYS), hour=st.integers(0, 23), minute=st.integers(0, 59)
)
def test_until_is_the_next_matching_moment(now: datetime, day: str, hour: int, minute: int) -> None:
    target = parse_until(f"{day} {hour}:{minute:02d}", now)
    assert now < target <= now + timedelta(days=7)
    assert (target.weekday(), target.hour, target.minute) == (WEEKDAYS.index(day), hour, minute)


@given(now=moments, minutes=st.integers(1, 60 * 24 * 9))
def test_steps_stop_every_full_hour_and_end_on_target(now: datetime, minutes: int) -> None:
    target = now + timedelta(minutes=minutes)
    stops = steps(now, target)
    assert stops[-1] == target
    previous = now
    for stop in stops:
        assert timedelta(0) < stop - previous <= timedelta(hours=1)
        previous = stop
    assert all(stop.minute == 0 and stop.second == 0 for stop in stops[:-1])
