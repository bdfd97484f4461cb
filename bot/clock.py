"""Injected time, so tests move a clock instead of sleeping."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol


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


def to_db(moment: datetime) -> str:
    """Store times as ISO-8601 UTC strings that sort correctly as text."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")


def from_db(value: str | None) -> datetime | None:
    """Parse a stored time back into an aware UTC datetime."""
    if value is None:
        return None
    return datetime.strptime(value, "%Y-%m-%dT%H:%M:%S").replace(tzinfo=UTC)
