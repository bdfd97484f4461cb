"""The demo's /wait argument: '30m', '2h', '1d', '1w', 'until monday 18:00', 'until the morning'.

Pure: given the current (UTC) time it returns the moment to move to. The demo clock is UTC and
the demo's people live in UTC unless their profile says otherwise.
"""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta

DURATION = re.compile(r"^(\d+)\s*([mhdw])$")
UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
CLOCK = re.compile(r"^(\d{1,2})(?::(\d{2}))?$")
MORNING = time(8, 0)  # when default quiet hours (21:00-08:00) end
USAGE = "use /wait 30m, 2h, 1d, 1w, /wait until monday 18:00, or /wait until the morning"


def parse_duration(text: str) -> timedelta:
    """'30m', '2h', '1d', '1w' -> timedelta."""
    match = DURATION.match(text.strip().lower())
    if not match:
        raise ValueError(USAGE)
    return timedelta(**{UNITS[match.group(2)]: int(match.group(1))})


def _clock(text: str) -> time:
    match = CLOCK.match(text)
    if not match:
        raise ValueError(USAGE)
    hours, minutes = int(match.group(1)), int(match.group(2) or 0)
    if hours > 23 or minutes > 59:
        raise ValueError(USAGE)
    return time(hours, minutes)


def parse_until(text: str, now: datetime) -> datetime:
    """The next moment after `now` matching 'monday 18:00', '18:00', 'tomorrow 9:00', 'the morning'."""
    words = [w for w in text.strip().lower().split() if w not in {"the", "on", "at", "next"}]
    if not words:
        raise ValueError(USAGE)
    day: int | None = None  # days from today, or None: the first day it is still ahead
    weekday: int | None = None
    at = MORNING
    if words[0] == "morning":
        words = words[1:]
    elif words[0] == "tomorrow":
        day, words = 1, words[1:]
    elif words[0] in WEEKDAYS:
        weekday, words = WEEKDAYS.index(words[0]), words[1:]
    if words:
        if len(words) > 1:
            raise ValueError(USAGE)
        at = _clock(words[0])
    if day is not None:
        return datetime.combine(now.date() + timedelta(days=day), at, tzinfo=now.tzinfo)
    for ahead in range(8):
        date = now.date() + timedelta(days=ahead)
        moment = datetime.combine(date, at, tzinfo=now.tzinfo)
        if moment > now and (weekday is None or date.weekday() == weekday):
            return moment
    raise AssertionError("a week always holds the moment")  # pragma: no cover


def target_of(argument: str, now: datetime) -> datetime:
    """Where /wait ARGUMENT moves the clock."""
    argument = argument.strip()
    if argument.lower().startswith("until "):
        return parse_until(argument[6:], now)
    return now + parse_duration(argument)


def steps(now: datetime, target: datetime, most: timedelta = timedelta(hours=1)) -> list[datetime]:
    """Moments to stop at on the way (full hours), so due work happens at its own time."""
    moments = []
    moment = now
    while moment < target:
        next_hour = (moment + most).replace(minute=0, second=0, microsecond=0)
        moment = min(target, next_hour if next_hour > moment else moment + most)
        moments.append(moment)
    return moments
