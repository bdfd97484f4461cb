"""The report's inputs aggregated inside SQLite, on a read-only connection of its own.

A year of engagement is hundreds of thousands of rows: loading them into Python objects to count
them took seconds of CPU on the event loop. The counts come from roll-ups that triggers keep
current as events are recorded (per kind and day, per person, per week: migration 0016), and
per-pair facts from indexed look-ups; they run in a worker thread (sqlite releases the GIL
while it reads) on a connection of their own, so they never hold the bot's connection.
Functions here are synchronous on purpose: call them through `asyncio.to_thread`.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

JOIN_KINDS = ("consented",)  # as in migration 0016's engagement_people
# The kinds counted per week (bot.console.reports._EVENT_COLUMN's keys; a test keeps the two equal).
EVENT_KINDS = (
    "escalation_raised",
    "escalation_claimed",
    "crisis_entered",
    "message_relayed",
    "who5_score",
)
# Weeks start on Monday: a week number counts Mondays from 1969-12-29 (julianday 2440584.5).
WEEK = "CAST((julianday(substr(hour, 1, 10)) - 2440584.5) / 7 AS INTEGER)"
FIRST_MONDAY = date(1969, 12, 29)


@dataclass
class ReportInputs:
    """Everything a report is computed from; weeks are Mondays as ISO dates."""

    first: datetime | None = None  # earliest event
    last: datetime | None = None  # latest event
    new_members: dict[tuple[str, str], int] = field(default_factory=dict)  # (role|"", week)
    kind_counts: dict[tuple[str, str], int] = field(default_factory=dict)  # (kind, week)
    checkins: dict[str, int] = field(default_factory=dict)  # week -> mentees who checked in
    moods: dict[str, tuple[float, int]] = field(default_factory=dict)  # week -> (mean, n)
    paired_at: dict[str, datetime] = field(default_factory=dict)  # pair ref -> first paired
    ended: dict[str, tuple[datetime, float | None]] = field(default_factory=dict)
    first_message: dict[str, datetime] = field(default_factory=dict)
    claim_minutes: list[float] = field(default_factory=list)
    coping: dict[int, int] = field(default_factory=dict)  # content number -> votes
    changes: dict[str, list[float]] = field(default_factory=dict)  # kind -> latest - first


def parse_hour(value: str) -> datetime:
    """A stored hour ("2026-03-02T09:00:00", UTC) as an aware datetime."""
    return datetime.fromisoformat(value).replace(tzinfo=UTC)


def monday(week_number: int) -> str:
    """The Monday that starts a week number of the WEEK expression."""
    return (FIRST_MONDAY + timedelta(weeks=week_number)).isoformat()


def open_read_only(path: str) -> sqlite3.Connection:
    """A connection that can only read (WAL: it never waits for the bot's writes)."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
    connection.execute("PRAGMA query_only = ON")
    return connection


def _week_of_day(day: str) -> str:
    moment = date.fromisoformat(day)
    return (moment - timedelta(days=moment.weekday())).isoformat()


def read_inputs(connection: sqlite3.Connection) -> ReportInputs:
    """Aggregate the engagement log into the report's inputs: the roll-ups (per day, per person,
    per week) kept by migration 0016's triggers, and per-pair facts through indexes."""
    inputs = ReportInputs()
    first = connection.execute("SELECT MIN(hour) FROM engagement").fetchone()[0]
    if first is None:
        return inputs
    inputs.first = parse_hour(first)
    inputs.last = parse_hour(connection.execute("SELECT MAX(hour) FROM engagement").fetchone()[0])
    for role, week, count in connection.execute(
        f"SELECT role, {WEEK.replace('hour', 'first_seen')}, COUNT(*) FROM engagement_people "
        "WHERE first_seen IS NOT NULL GROUP BY 1, 2"
    ):
        inputs.new_members[(role or "", monday(week))] = count
    kinds = ", ".join("?" * len(EVENT_KINDS))
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for kind, day, count in connection.execute(
        f"SELECT kind, day, events FROM engagement_daily WHERE kind IN ({kinds}) AND events > 0",
        EVENT_KINDS,
    ):
        counts[(kind, _week_of_day(day))] += count
    inputs.kind_counts = dict(counts)
    # Mentees who checked in, once each per week: everyone counted, less those last seen as
    # mentors (a handful at most, found through the role index).
    checkins = dict(
        connection.execute(
            "SELECT week, people FROM engagement_checkin_counts WHERE people > 0"
        ).fetchall()
    )
    for week, mentors in connection.execute(
        "SELECT w.week, COUNT(*) FROM engagement_people p JOIN engagement_checkin_weeks w "
        "ON w.subject = p.subject WHERE p.role = 'mentor' GROUP BY w.week"
    ):
        checkins[week] -= mentors
    inputs.checkins = {week: count for week, count in checkins.items() if count}
    moods: dict[str, list[float]] = defaultdict(lambda: [0.0, 0])
    for day, valued, total in connection.execute(
        "SELECT day, valued, total FROM engagement_daily WHERE kind = 'checkin_done' AND valued > 0"
    ):
        week = moods[_week_of_day(day)]
        week[0] += total
        week[1] += valued
    inputs.moods = {week: (total / n, int(n)) for week, (total, n) in moods.items()}
    _pair_facts(connection, inputs)
    inputs.claim_minutes = [
        value
        for (value,) in connection.execute(
            "SELECT value FROM engagement WHERE kind = 'escalation_claimed' AND value IS NOT NULL"
        )
    ]
    inputs.coping = dict(
        connection.execute(
            "SELECT CAST(value AS INTEGER), COUNT(*) FROM engagement WHERE kind = 'coping_helpful' "
            "AND value IS NOT NULL GROUP BY 1"
        ).fetchall()
    )
    for kind in ("checkin_done", "who5_score"):
        inputs.changes[kind] = _changes_since_pairing(connection, kind)
    return inputs


def _pair_facts(connection: sqlite3.Connection, inputs: ReportInputs) -> None:
    """When each pair formed and ended, and when its first message was relayed."""
    for pair, hour, first_message in connection.execute(
        "SELECT pair_ref, MIN(hour), (SELECT MIN(m.hour) FROM engagement m "
        "WHERE m.kind = 'message_relayed' AND m.pair_ref = p.pair_ref) "
        "FROM engagement p WHERE kind = 'paired' AND pair_ref IS NOT NULL GROUP BY pair_ref"
    ):
        inputs.paired_at[pair] = parse_hour(hour)
        if first_message is not None:
            inputs.first_message[pair] = parse_hour(first_message)
    for pair, hour, value in connection.execute(
        "SELECT pair_ref, hour, value FROM engagement WHERE kind = 'ended' "
        "AND pair_ref IS NOT NULL ORDER BY pair_ref, hour, id"
    ):
        if pair not in inputs.ended:  # the first end counts
            inputs.ended[pair] = (parse_hour(hour), value)


def _changes_since_pairing(connection: sqlite3.Connection, kind: str) -> list[float]:
    """Per person with two or more values since first paired: latest minus first."""
    after = (
        "FROM engagement e WHERE e.kind = :kind AND e.subject = p.subject "
        "AND e.hour >= p.hour AND e.value IS NOT NULL"
    )
    rows = connection.execute(
        f"SELECT (SELECT e.value {after} ORDER BY e.hour DESC, e.id DESC LIMIT 1) "
        f"- (SELECT e.value {after} ORDER BY e.hour, e.id LIMIT 1) "
        "FROM (SELECT subject, paired_at AS hour FROM engagement_people "
        "WHERE paired_at IS NOT NULL) AS p "
        f"WHERE (SELECT COUNT(*) FROM (SELECT 1 {after} LIMIT 2)) = 2",
        {"kind": kind},
    )
    return [change for (change,) in rows]
