"""The dashboard's report aggregated in SQL equals the report computed from the events in
memory, on varied random histories (ties in time, people who change role, pairs that end)."""

from __future__ import annotations

import random
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.console.reports import _EVENT_COLUMN, JOIN_KINDS, build_report, report_from_inputs
from storage import report_queries
from storage.db import Database, bundled_migrations
from storage.engagement import KINDS as VOCABULARY
from storage.engagement import EngagementEvent
from storage.report_queries import open_read_only, read_inputs

START = datetime(2026, 1, 5, 9, tzinfo=UTC)
KINDS = (
    "consented",
    "intake_done",
    "paired",
    "ended",
    "checkin_done",
    "who5_score",
    "message_relayed",
    "escalation_raised",
    "escalation_claimed",
    "crisis_entered",
    "coping_helpful",
    "coping_opened",
)


def test_both_paths_use_the_event_vocabulary() -> None:
    assert set(KINDS) <= VOCABULARY
    assert set(JOIN_KINDS) <= VOCABULARY
    assert set(report_queries.EVENT_KINDS) == set(_EVENT_COLUMN)


def random_history(seed: int, size: int) -> list[EngagementEvent]:
    """Events over about 20 weeks from a small population, so cells cross the threshold."""
    rng = random.Random(seed)
    subjects = [f"s{n}" for n in range(rng.randint(5, 60))]
    pairs = [f"p{n}" for n in range(rng.randint(3, 30))]
    events = []
    for _ in range(size):
        kind = rng.choice(KINDS)
        hour = START + timedelta(hours=rng.randint(0, 20 * 7 * 24) // rng.choice((1, 24)))
        value = None
        if kind in ("checkin_done", "who5_score", "escalation_claimed", "coping_helpful", "ended"):
            value = None if rng.random() < 0.1 else float(rng.randint(1, 9))
        events.append(
            EngagementEvent(
                hour=hour.strftime("%Y-%m-%dT%H:%M:%S"),
                kind=kind,
                role=rng.choice(("mentee", "mentee", "mentor", "coordinator", None)),
                subject=rng.choice(subjects) if rng.random() < 0.9 else None,
                pair_ref=rng.choice(pairs) if rng.random() < 0.8 else None,
                value=value,
            )
        )
    return events


def insert(path: str | Path, events: list[EngagementEvent]) -> None:
    """Write events in order (ids follow the list) straight into the log."""
    connection = sqlite3.connect(path)
    with connection:
        connection.executemany(
            "INSERT INTO engagement (hour, kind, role, subject, pair_ref, value) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [(e.hour, e.kind, e.role, e.subject, e.pair_ref, e.value) for e in events],
        )
    connection.close()


@pytest.mark.parametrize("seed", range(12))
async def test_sql_report_equals_the_in_memory_report(tmp_path: Path, seed: int) -> None:
    """Every published cell, mean, percentage and statistic agrees."""
    path = tmp_path / "bot.db"
    await (await Database.open(path)).close()
    events = random_history(seed, size=random.Random(seed).choice((0, 40, 400, 1500)))
    insert(path, events)
    now = START + timedelta(weeks=21)
    connection = open_read_only(str(path))
    from_sql = report_from_inputs(read_inputs(connection), now, {"open_escalations": 2})
    connection.close()
    in_memory = build_report(events, now, {"open_escalations": 2})
    assert from_sql.weeks == in_memory.weeks
    assert dict(from_sql.cells.values) == dict(in_memory.cells.values)
    assert dict(from_sql.cells.shown) == dict(in_memory.cells.shown)
    assert from_sql.weekly_mood == pytest.approx(in_memory.weekly_mood)
    assert from_sql.weekly_completion == pytest.approx(in_memory.weekly_completion)
    assert from_sql.retention == pytest.approx(in_memory.retention)
    assert from_sql.top_coping == in_memory.top_coping
    for name, stat in in_memory.stats.items():
        assert from_sql.stats[name].n == stat.n
        assert from_sql.stats[name].value == pytest.approx(stat.value)


def assert_same(path: Path, events: list[EngagementEvent]) -> None:
    now = START + timedelta(weeks=21)
    connection = open_read_only(str(path))
    from_sql = report_from_inputs(read_inputs(connection), now)
    connection.close()
    in_memory = build_report(events, now)
    assert dict(from_sql.cells.values) == dict(in_memory.cells.values)
    assert from_sql.weekly_mood == pytest.approx(in_memory.weekly_mood)
    for name, stat in in_memory.stats.items():
        assert (from_sql.stats[name].n, from_sql.stats[name].value) == (
            stat.n,
            pytest.approx(stat.value),
        )


async def test_the_roll_ups_are_built_from_an_existing_log(tmp_path: Path) -> None:
    """A database with a year of events before the roll-ups existed gets them on migration."""
    path = tmp_path / "bot.db"
    db = await Database.open(path, migrate=False)
    migrations = bundled_migrations()
    await db.migrate([m for m in migrations if m.version < 16])
    events = random_history(3, size=800)
    await db.close()
    insert(path, events)
    db = await Database.open(path)
    await db.close()
    assert_same(path, events)


async def test_the_roll_ups_follow_deleted_events(tmp_path: Path) -> None:
    path = tmp_path / "bot.db"
    await (await Database.open(path)).close()
    events = random_history(5, size=800)
    insert(path, events)
    connection = sqlite3.connect(path)
    with connection:
        connection.execute("DELETE FROM engagement WHERE id % 3 = 0")
    connection.close()
    assert_same(path, [e for n, e in enumerate(events, start=1) if n % 3])
