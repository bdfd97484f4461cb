"""Injected time, so tests move a clock instead of sleeping."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol

# Stored-time conversion lives with storage; re-exported for the domain modules that use it.
from storage.timecodec import from_db as from_db
from storage.timecodec import to_db as to_db


class Clock(Protocol):
    """Anything that can tell the current time as an aware UTC datetime."""

    def now(self) -> datetime:
        """Current time, timezone-aware, in UTC."""
        ...


class SystemClock:
    """The real clock."""

    def now(self) -> datetime:
        """Current time in UTC."""
        return datetime.now(UTC)


class FakeClock:
    """A clock that only moves when told to (tests and the demo's /wait)."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

    def now(self) -> datetime:
        """The frozen current time."""
        return self._now

    def advance(self, delta: timedelta) -> datetime:
        """Move time forward and return the new time."""
        if delta < timedelta(0):
            raise ValueError("time only moves forward")
        self._now += delta
        return self._now

    def set(self, moment: datetime) -> None:
        """Jump to an absolute moment (must be timezone-aware)."""
        if moment.tzinfo is None:
            raise ValueError("moment must be timezone-aware")
        self._now = moment.astimezone(UTC)


TIME_SCALE_ENV = "SANDBOX_TIME_SCALE"
_LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}


class ScaledClock:
    """Real time sped up `scale` times from `start` (soak tests against the local sandbox only)."""

    def __init__(self, scale: float, start: datetime | None = None) -> None:
        import time

        self.scale = scale
        self._start = start or datetime.now(UTC)
        self._origin = time.monotonic()
        self._monotonic = time.monotonic

    def now(self) -> datetime:
        """Start time plus the real time elapsed since, times the scale."""
        return self._start + timedelta(seconds=(self._monotonic() - self._origin) * self.scale)


def clock_for(telegram_base_url: str, environ: dict[str, str] | None = None) -> Clock:
    """The system clock, or a sped-up one when SANDBOX_TIME_SCALE is set AND the Bot API is local.

    The speed-up exists for `bench/soak.py` (a simulated week in minutes). It is ignored unless
    TELEGRAM_BASE_URL points at a loopback address, so a production bot can never run on it.
    """
    import os
    from urllib.parse import urlsplit

    values = os.environ if environ is None else environ
    raw = values.get(TIME_SCALE_ENV, "").strip()
    if not raw or urlsplit(telegram_base_url).hostname not in _LOOPBACK_HOSTS:
        return SystemClock()
    scale = float(raw)
    if not 1 <= scale <= 100_000:
        raise ValueError(f"{TIME_SCALE_ENV} must be between 1 and 100000")
    return ScaledClock(scale)
