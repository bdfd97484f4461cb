"""Scheduling maths across time zones, DST changes and quiet hours."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from bot.core.schedule import (
    INDEFINITE,
    in_quiet_hours,
    next_deliverable,
    next_weekly,
    quiet_hours_end,
)


def test_weekly_slot_keeps_local_time_across_dst() -> None:
    # Europe/Madrid moves to summer time on Sunday 2026-03-29.
    first = next_weekly(datetime(2026, 3, 23, 12, tzinfo=UTC), "Europe/Madrid", 0, "18:00")
    assert first == datetime(2026, 3, 23, 17, 0, tzinfo=UTC)  # 18:00 CET
    second = next_weekly(first, "Europe/Madrid", 0, "18:00")
    assert second == datetime(2026, 3, 30, 16, 0, tzinfo=UTC)  # 18:00 CEST


def test_nonexistent_local_time_is_shifted_forward() -> None:
    # 02:30 does not exist in New York on 2026-03-08.
    slot = next_weekly(datetime(2026, 3, 2, tzinfo=UTC), "America/New_York", 6, "02:30")
    assert slot == datetime(2026, 3, 8, 7, 30, tzinfo=UTC)  # 03:30 EDT


def test_quiet_hours_cross_midnight() -> None:
    zone = "Europe/London"
    late = datetime(2026, 1, 10, 22, 30, tzinfo=UTC)
    assert in_quiet_hours(late, zone, "21:00", "08:00")
    assert quiet_hours_end(late, zone, "21:00", "08:00") == datetime(2026, 1, 11, 8, tzinfo=UTC)
    early = datetime(2026, 1, 11, 7, 0, tzinfo=UTC)
    assert quiet_hours_end(early, zone, "21:00", "08:00") == datetime(2026, 1, 11, 8, tzinfo=UTC)
    assert not in_quiet_hours(datetime(2026, 1, 11, 12, tzinfo=UTC), zone, "21:00", "08:00")


def test_pause_holds_until_resumed() -> None:
    now = datetime(2026, 1, 11, 12, tzinfo=UTC)
    kwargs = {"timezone": "UTC", "quiet_start": "21:00", "quiet_end": "08:00"}
    assert next_deliverable(now, paused_until=INDEFINITE, **kwargs) is None
    assert next_deliverable(now, paused_until="2026-01-12T22:00:00", **kwargs) == datetime(
        2026, 1, 13, 8, tzinfo=UTC
    )
    assert next_deliverable(now, paused_until=None, **kwargs) == now


@given(
    st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2035, 1, 1)),
    st.sampled_from(
        ["UTC", "Europe/Madrid", "America/New_York", "Australia/Sydney", "Asia/Kolkata"]
    ),
    st.integers(0, 6),
    st.integers(0, 23),
    st.sampled_from([0, 15, 30, 45]),
)
def test_next_weekly_is_after_and_within_eight_days(
    moment: datetime, zone: str, weekday: int, hour: int, minute: int
) -> None:
    after = moment.replace(tzinfo=UTC)
    slot = next_weekly(after, zone, weekday, f"{hour:02d}:{minute:02d}")
    assert after < slot <= after + timedelta(days=8)
