"""Scheduling maths in members' local time (zoneinfo, DST-correct). Pure: no I/O, no Telegram."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from storage.timecodec import INDEFINITE as INDEFINITE
from storage.timecodec import from_db


def parse_hhmm(value: str) -> time:
    """'21:00' -> time(21, 0)."""
    hours, minutes = value.split(":")
    return time(int(hours), int(minutes))


def local_datetime(day: date, at: time, zone: ZoneInfo) -> datetime:
    """A wall-clock moment in a zone, as aware UTC.

    PEP 495 semantics with fold=0: a time in the spring-forward gap (02:30 that does not exist)
    lands after the gap (03:30), as a person would expect; in the autumn overlap the first
    occurrence is used.
    """
    return datetime.combine(day, at).replace(tzinfo=zone, fold=0).astimezone(UTC)


def next_weekly(after: datetime, timezone: str, weekday: int, at: str) -> datetime:
    """The first local `weekday` `at` strictly after `after` (0 = Monday), as UTC."""
    zone = ZoneInfo(timezone)
    local_now = after.astimezone(zone)
    target_time = parse_hhmm(at)
    days_ahead = (weekday - local_now.weekday()) % 7
    for extra in (0, 7, 14):
        day = local_now.date() + timedelta(days=days_ahead + extra)
        moment = local_datetime(day, target_time, zone)
        if moment > after:
            return moment
    raise AssertionError("unreachable: a weekly slot always exists within two weeks")


def in_quiet_hours(moment: datetime, timezone: str, start: str, end: str) -> bool:
    """Is `moment` inside the local quiet window [start, end) (which may cross midnight)?"""
    local = moment.astimezone(ZoneInfo(timezone)).time().replace(tzinfo=None)
    begin, finish = parse_hhmm(start), parse_hhmm(end)
    if begin == finish:
        return False
    if begin < finish:
        return begin <= local < finish
    return local >= begin or local < finish


def quiet_hours_end(moment: datetime, timezone: str, start: str, end: str) -> datetime:
    """When the quiet window containing `moment` opens again (UTC); `moment` if not quiet."""
    if not in_quiet_hours(moment, timezone, start, end):
        return moment
    zone = ZoneInfo(timezone)
    local = moment.astimezone(zone)
    finish = parse_hhmm(end)
    day = (
        local.date()
        if local.time().replace(tzinfo=None) < finish
        else local.date() + timedelta(days=1)
    )
    return local_datetime(day, finish, zone)


def is_paused(moment: datetime, paused_until: str | None) -> bool:
    """Is the member paused at `moment`?"""
    until = from_db(paused_until)
    return until is not None and moment < until


def next_deliverable(
    moment: datetime, *, timezone: str, quiet_start: str, quiet_end: str, paused_until: str | None
) -> datetime | None:
    """Earliest time a non-urgent message may reach this member; None while paused indefinitely."""
    if paused_until == INDEFINITE and is_paused(moment, paused_until):
        return None
    until = from_db(paused_until)
    start = max(moment, until) if until is not None and moment < until else moment
    return quiet_hours_end(start, timezone, quiet_start, quiet_end)
