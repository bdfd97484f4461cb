"""The sped-up clock of the soak benchmark is only ever used against a local Bot API."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.core.clock import ScaledClock, SystemClock, clock_for


@pytest.mark.parametrize(
    "url",
    [
        "https://api.telegram.org/bot",
        "http://10.0.0.5:8081/bot",
        "http://127.0.0.1.evil.example/bot",
        "http://example.com/bot",
    ],
)
def test_the_speed_up_is_ignored_unless_the_bot_api_is_on_loopback(url: str) -> None:
    assert isinstance(clock_for(url, {"SANDBOX_TIME_SCALE": "2000"}), SystemClock)


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:8081/bot", "http://localhost:1/bot", "http://[::1]:8081/bot"]
)
def test_on_loopback_the_clock_runs_faster(url: str) -> None:
    clock = clock_for(url, {"SANDBOX_TIME_SCALE": "1000"})
    assert isinstance(clock, ScaledClock) and clock.scale == 1000
    assert isinstance(clock_for(url, {}), SystemClock)
    with pytest.raises(ValueError):
        clock_for(url, {"SANDBOX_TIME_SCALE": "0.5"})


def test_scaled_time_is_start_plus_elapsed_times_scale() -> None:
    start = datetime(2026, 3, 2, 9, tzinfo=UTC)
    ticks = iter([100.0, 100.5, 102.0])
    clock = ScaledClock(2000, start)
    clock._origin = next(ticks)
    clock._monotonic = lambda: next(ticks)
    first = clock.now()
    assert (first - start).total_seconds() == 1000 and first.tzinfo is not None
    assert (clock.now() - start).total_seconds() == 4000
