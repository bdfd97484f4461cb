"""The report's inputs aggregated inside SQLite, on a read-only connection of its own.

A year of engagement is hundreds of thousands of rows: loading them into Python objects to count
them took seconds of CPU on the event loop. These queries return only what the report needs
(counts by day, one row per person or pair) and are planned through indexes, so they run in a
worker thread (sqlite releases the GIL while it reads) and never hold the bot's connection.
Functions here are synchronous on purpose: call them through `asyncio.to_thread`.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

JOIN_KINDS = ("joined", "consented")
EVENT_KINDS = ("escalation_raised", "escalation_claimed", "crisis_entered", "message_relayed")
# Weeks start on Monday: a week number counts Mondays from 1969-12-29 (julianday 2440584.5).
WEEK = "CAST((julianday(substr(hour, 1, 10)) - 2440584.5) / 7 AS INTEGER)"
FIRST_MONDAY = date(1969, 12, 29)
# The role a person is counted under: their latest event that names one.
LAST_ROLE = (
    "(SELECT r.role FROM engagement r WHERE r.subject = {subject} "
    "AND r.role IN ('mentee', 'mentor') ORDER BY r.hour DESC, r.id DESC LIMIT 1)"
)


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
    """Aggregate the engagement log into the report's inputs (a handful of indexed queries)."""
    inputs = ReportInputs()
    first = connection.execute("SELECT MIN(hour) FROM engagement").fetchone()[0]
    if first is None:
        return inputs
    inputs.first = parse_hour(first)
    inputs.last = parse_hour(connection.execute("SELECT MAX(hour) FROM engagement").fetchone()[0])
    joins = ", ".join("?" * len(JOIN_KINDS))
    for role, week, count in connection.execute(
        f"SELECT {LAST_ROLE.format(subject='seen.subject')}, {WEEK.replace('hour', 'seen.hour')}, "
        f"COUNT(*) FROM (SELECT subject, MIN(hour) AS hour FROM engagement WHERE kind IN ({joins}) "
        "AND subject IS NOT NULL GROUP BY subject) AS seen GROUP BY 1, 2",
        JOIN_KINDS,
    ):
        inputs.new_members[(role or "", monday(week))] = count
    kinds = ", ".join("?" * len(EVENT_KINDS))
    # By day in index order (no sorting), then summed into weeks here: a few hundred rows.
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for kind, day, count in connection.execute(
        f"SELECT kind, substr(hour, 1, 10), COUNT(*) FROM engagement WHERE kind IN ({kinds}) "
        "GROUP BY kind, substr(hour, 1, 10)",
        EVENT_KINDS,
    ):
        counts[(kind, _week_of_day(day))] += count
    inputs.kind_counts = dict(counts)
    # Mentees who checked in, once each per week (someone last seen as a mentor is not one).
    for week, count in connection.execute(
        f"SELECT {WEEK}, COUNT(DISTINCT subject) FROM engagement WHERE kind = 'checkin_done' "
        "AND subject IS NOT NULL AND subject NOT IN (SELECT c.subject FROM (SELECT DISTINCT "
        "subject FROM engagement WHERE kind = 'checkin_done' AND subject IS NOT NULL) AS c "
        f"WHERE {LAST_ROLE.format(subject='c.subject')} = 'mentor') GROUP BY 1"
    ):
        inputs.checkins[monday(week)] = count
    for week, mean, count in connection.execute(
        f"SELECT {WEEK}, AVG(value), COUNT(*) FROM engagement WHERE kind = 'checkin_done' "
        "AND value IS NOT NULL GROUP BY 1"
    ):
        inputs.moods[monday(week)] = (mean, count)
    _pair_facts(connection, inputs)
    inputs.claim_minutes = [value for (value,) in connection.execute(
        "SELECT value FROM engagement WHERE kind = 'escalation_claimed' AND value IS NOT NULL")]
    inputs.coping = dict(connection.execute(
        "SELECT CAST(value AS INTEGER), COUNT(*) FROM engagement WHERE kind = 'coping_helpful' "
        "AND value IS NOT NULL GROUP BY 1"
    ).fetchall())
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
    after = ("FROM engagement e WHERE e.kind = :kind AND e.subject = p.subject "
             "AND e.hour >= p.hour AND e.value IS NOT NULL")
    rows = connection.execute(
        f"SELECT (SELECT e.value {after} ORDER BY e.hour DESC, e.id DESC LIMIT 1) "
        f"- (SELECT e.value {after} ORDER BY e.hour, e.id LIMIT 1) "
        f"FROM (SELECT subject, MIN(hour) AS hour FROM engagement WHERE kind = 'paired' "
        "AND subject IS NOT NULL GROUP BY subject) AS p "
        f"WHERE (SELECT COUNT(*) FROM (SELECT 1 {after} LIMIT 2)) = 2",
        {"kind": kind},
    )
    return [change for (change,) in rows]
