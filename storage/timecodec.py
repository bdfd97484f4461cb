"""How times are stored: ISO-8601 UTC text that sorts correctly, and the open-ended pause marker."""

from __future__ import annotations

from datetime import UTC, datetime

INDEFINITE = "9999-12-31T00:00:00"  # paused_until value meaning "until I resume"


def to_db(moment: datetime) -> str:
    """Store times as ISO-8601 UTC strings that sort correctly as text."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")


def from_db(value: str | None) -> datetime | None:
    """Parse a stored time back into an aware UTC datetime."""
    if value is None:
        return None
    return datetime.strptime(value, "%Y-%m-%dT%H:%M:%S").replace(tzinfo=UTC)
