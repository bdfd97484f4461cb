"""Pruning: old sent outbox rows and settled relay-map rows go, in batches; the rest stays."""

from __future__ import annotations

import sqlite3
from datetime import timedelta

import pytest

from bot.core.clock import to_db
from bot.delivery import pruning as pruning_sweep
from bot.delivery.pruning import KEEP, prune_old_rows
from bot.delivery.sweep import SweepContext
from bot.sandbox.harness import Sandbox
from bot.sandbox.population import seed_pairs
from storage import pruning


def add_outbox(path: str, rows: list[tuple[str, str, str]]) -> None:
    """(key, status, time) rows: created, due and (if sent) sent at `time`."""
    connection = sqlite3.connect(path)
    with connection:
        connection.executemany(
            "INSERT INTO outbox (idempotency_key, chat_id, lane, kind, payload, not_before, "
            "status, created_at, sent_at) VALUES (?1, 1, 'scheduled', 'x', '{}', ?3, ?2, ?3, "
            "CASE WHEN ?2 = 'sent' THEN ?3 END)",
            rows,
        )
    connection.close()


def keys(path: str, table: str, column: str) -> set[str]:
    connection = sqlite3.connect(path)
    found = {str(row[0]) for row in connection.execute(f"SELECT {column} FROM {table}")}
    connection.close()
    return found


async def test_old_sent_rows_go_in_batches_and_everything_else_stays(
    sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pruning, "BATCH", 3)
    now = sandbox.clock.now()
    old, recent = to_db(now - KEEP - timedelta(days=1)), to_db(now - KEEP + timedelta(days=1))
    path = sandbox.db.path
    add_outbox(
        path,
        [(f"old{n}", "sent", old) for n in range(7)]
        + [
            ("recent", "sent", recent),
            ("old-failed", "failed", old),
            ("old-pending", "pending", old),
        ],
    )
    pair = (
        await seed_pairs(sandbox.db, count=1, now=now, first_telegram_id=8_000_000, approved_by=1)
    )[0]
    connection = sqlite3.connect(path)
    with connection:
        pair_id = connection.execute("SELECT id FROM pairs").fetchone()[0]
        connection.executemany(
            "INSERT INTO relay_messages (pair_id, from_chat, from_msg, to_chat, to_msg, sent_at, "
            "deliver_at, delivered_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (pair_id, pair.mentee, 1, pair.mentor, 11, old, old, old),  # settled, old
                (pair_id, pair.mentee, 2, pair.mentor, None, old, old, None),  # never settled
                (pair_id, pair.mentee, 3, pair.mentor, 13, recent, recent, recent),
            ],
        )
    connection.close()

    pruned = await prune_old_rows(SweepContext(sandbox.services, now))

    assert pruned == 8
    assert keys(path, "outbox", "idempotency_key") == {"recent", "old-failed", "old-pending"}
    assert keys(path, "relay_messages", "from_msg") == {"2", "3"}
    assert await prune_old_rows(SweepContext(sandbox.services, now)) == 0


async def test_a_round_stops_after_its_batches(
    sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pruning, "BATCH", 2)
    now = sandbox.clock.now()
    old = to_db(now - KEEP - timedelta(days=3))
    add_outbox(sandbox.db.path, [(f"old{n}", "sent", old) for n in range(9)])
    assert await pruning.prune_sent_outbox(sandbox.db, now - KEEP, batches=3) == 6
    assert await pruning.prune_sent_outbox(sandbox.db, now - KEEP, batches=3) == 3


async def test_a_round_ends_when_its_time_is_spent_and_the_next_goes_on(
    sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pruning, "BATCH", 2)
    monkeypatch.setattr(pruning_sweep, "ROUND_BUDGET", 0.0)  # every batch overruns it
    now = sandbox.clock.now()
    old = to_db(now - KEEP - timedelta(days=3))
    add_outbox(sandbox.db.path, [(f"old{n}", "sent", old) for n in range(5)])
    context = SweepContext(sandbox.services, now)
    # One batch per table a round: 2 outbox rows (the relay map has nothing to prune).
    assert [await prune_old_rows(context) for _ in range(4)] == [2, 2, 1, 0]
    assert keys(sandbox.db.path, "outbox", "idempotency_key").isdisjoint(
        {f"old{n}" for n in range(5)}
    )
