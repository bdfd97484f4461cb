"""Which due rows the sender is offered: one row per chat in flight, lanes kept apart."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.delivery.lanes import Lane
from storage import outbox, outbox_sending
from storage.db import Database

NOON = datetime(2026, 3, 4, 12, tzinfo=UTC)
GROUP = -100_123


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await Database.open(tmp_path / "bot.sqlite3")
    yield database
    await database.close()


async def put(db: Database, key: str, chat_id: int, lane: Lane, minutes_ago: int = 0) -> None:
    await outbox.enqueue(
        db,
        key=key,
        chat_id=chat_id,
        lane=lane,
        kind="t",
        payload={"text": key},
        not_before=NOON - timedelta(minutes=minutes_ago),
        now=NOON,
    )


async def keys(
    db: Database,
    limit: int = 50,
    lanes: tuple[str, ...] = outbox_sending.URGENT_LANES + outbox_sending.LOW_LANES,
) -> list[str]:
    due = await outbox_sending.due_with_recipients(db, NOON, limit, lanes)
    return [entry.item.idempotency_key for entry in due]


async def row_id(db: Database, key: str) -> int:
    row = await db.fetch_one("SELECT id FROM outbox WHERE idempotency_key = ?", (key,))
    assert row is not None
    return int(row["id"])


async def claim(db: Database, key: str) -> None:
    await outbox_sending.settle(db, NOON, claim=[await row_id(db, key)])


async def test_one_row_per_chat_is_offered_first_in_line_by_lane_then_age(db: Database) -> None:
    await put(db, "ana-nudge-old", 1, Lane.SCHEDULED, minutes_ago=30)
    await put(db, "ana-nudge-new", 1, Lane.SCHEDULED, minutes_ago=10)
    await put(db, "ana-reply", 1, Lane.INTERACTIVE)
    await put(db, "ben-nudge", 2, Lane.SCHEDULED)
    assert await keys(db) == ["ana-reply", "ben-nudge"]
    await claim(db, "ana-reply")
    # While Ana's reply is in flight nothing else of hers is offered, so her messages keep
    # their order; Ben is not held up.
    assert await keys(db) == ["ben-nudge"]
    await outbox_sending.mark_sent(db, await row_id(db, "ana-reply"), NOON)
    assert await keys(db) == ["ana-nudge-old", "ben-nudge"]


async def test_a_busy_group_cannot_fill_the_window(db: Database) -> None:
    for number in range(40):
        await put(db, f"group-{number}", GROUP, Lane.INTERACTIVE, minutes_ago=60)
    for number in range(3):
        await put(db, f"member-{number}", 10 + number, Lane.SCHEDULED)
    assert await keys(db, limit=4) == ["group-0", "member-0", "member-1", "member-2"]


async def test_crisis_rows_are_never_held_back_by_the_cap(db: Database) -> None:
    await put(db, "nudge", 1, Lane.SCHEDULED, minutes_ago=5)
    await claim(db, "nudge")
    await put(db, "crisis-1", 1, Lane.CRISIS)
    await put(db, "crisis-2", 1, Lane.CRISIS)
    await put(db, "reply", 1, Lane.INTERACTIVE)
    assert await keys(db) == ["crisis-1", "crisis-2"]


async def test_lanes_can_be_asked_for_apart(db: Database) -> None:
    await put(db, "reply", 1, Lane.INTERACTIVE)
    await put(db, "relay", 2, Lane.RELAY)
    await put(db, "nudge", 3, Lane.SCHEDULED)
    await put(db, "later", 1, Lane.SCHEDULED)  # second in Ana's line: not offered yet
    assert await keys(db, lanes=outbox_sending.URGENT_LANES) == ["reply", "relay"]
    assert await keys(db, lanes=outbox_sending.LOW_LANES) == ["nudge"]


async def test_a_nudge_in_flight_does_not_hold_back_the_chats_reply(db: Database) -> None:
    await put(db, "ana-nudge", 1, Lane.SCHEDULED, minutes_ago=5)
    await put(db, "ana-nudge-2", 1, Lane.SCHEDULED, minutes_ago=4)
    await claim(db, "ana-nudge")  # waiting its turn in the limiter behind busier lanes
    await put(db, "ana-reply", 1, Lane.INTERACTIVE)
    assert await keys(db, lanes=outbox_sending.URGENT_LANES) == ["ana-reply"]
    assert (
        await keys(db, lanes=outbox_sending.LOW_LANES) == []
    )  # her next nudge still waits its turn
