"""The outbox: every message that must go out reliably is a row first, keyed for idempotency."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import aiosqlite

from bot.clock import to_db
from bot.lanes import Lane
from storage.db import Database

OUTBOX_COLUMNS = (
    "id, idempotency_key, chat_id, member_id, lane, kind, method, payload, not_before, status, "
    "attempts, last_error, created_at, sent_at"
)


@dataclass(frozen=True)
class OutboxItem:
    """One queued message."""

    id: int
    idempotency_key: str
    chat_id: int
    member_id: int | None
    lane: str
    kind: str
    method: str
    payload: dict[str, Any]
    not_before: str
    status: str
    attempts: int
    last_error: str | None
    created_at: str
    sent_at: str | None


def item_from_row(row: Any) -> OutboxItem:
    """Build an OutboxItem from a row selected with OUTBOX_COLUMNS."""
    values = dict(row)
    values["payload"] = json.loads(values["payload"])
    return OutboxItem(**values)


async def enqueue(
    target: Database | aiosqlite.Connection,
    *,
    key: str,
    chat_id: int,
    lane: Lane,
    kind: str,
    payload: dict[str, Any],
    not_before: datetime,
    now: datetime,
    member_id: int | None = None,
    method: str = "sendMessage",
) -> bool:
    """Queue a message unless one with the same key exists; True if it was queued now.

    Accepts a Database (own transaction) or a connection inside the caller's transaction, so a
    state change and the message it causes commit together.
    """
    sql = (
        "INSERT OR IGNORE INTO outbox (idempotency_key, chat_id, member_id, lane, kind, method, "
        "payload, not_before, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
    )
    params = (
        key,
        chat_id,
        member_id,
        lane.name.lower(),
        kind,
        method,
        json.dumps(payload),
        to_db(not_before),
        to_db(now),
    )
    if isinstance(target, Database):
        async with target.transaction() as connection:
            cursor = await connection.execute(sql, params)
    else:
        cursor = await target.execute(sql, params)
    return cursor.rowcount == 1


async def due(db: Database, now: datetime, limit: int = 500) -> list[OutboxItem]:
    """Pending items whose time has come, highest lane first, oldest first."""
    rows = await db.fetch_all(
        f"SELECT {OUTBOX_COLUMNS} FROM outbox WHERE status = 'pending' AND not_before <= ? "
        "ORDER BY CASE lane WHEN 'crisis' THEN 0 WHEN 'interactive' THEN 1 WHEN 'relay' THEN 2 "
        "WHEN 'scheduled' THEN 3 ELSE 4 END, not_before, id LIMIT ?",
        (to_db(now), limit),
    )
    return [item_from_row(row) for row in rows]


async def mark_sent(db: Database, item_id: int, now: datetime) -> None:
    """Sent: keep the row (for idempotency) but drop its content."""
    await db.execute(
        "UPDATE outbox SET status = 'sent', sent_at = ?, payload = '{}', attempts = attempts + 1 "
        "WHERE id = ?",
        (to_db(now), item_id),
    )


async def mark_failed(
    db: Database, item_id: int, error: str, *, final: bool, retry_at: datetime | None = None
) -> None:
    """A failed attempt: retry later, or give up (content dropped either way when final)."""
    if final:
        await db.execute(
            "UPDATE outbox SET status = 'failed', last_error = ?, payload = '{}', "
            "attempts = attempts + 1 WHERE id = ?",
            (error, item_id),
        )
    else:
        assert retry_at is not None
        await db.execute(
            "UPDATE outbox SET last_error = ?, attempts = attempts + 1, not_before = ? "
            "WHERE id = ?",
            (error, to_db(retry_at), item_id),
        )


async def defer(db: Database, item_id: int, until: datetime) -> None:
    """Hold an item until a later time (quiet hours, pause)."""
    await db.execute("UPDATE outbox SET not_before = ? WHERE id = ?", (to_db(until), item_id))


async def skip(db: Database, item_id: int, reason: str) -> None:
    """Deliberately not sent (stale, recipient gone): counted, content dropped."""
    await db.execute(
        "UPDATE outbox SET status = 'skipped', last_error = ?, payload = '{}' WHERE id = ?",
        (reason, item_id),
    )
