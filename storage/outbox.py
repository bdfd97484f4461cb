"""The outbox: every message that must go out reliably is a row first, keyed for idempotency.

Life of a row: 'pending' -> claimed as 'sending' (just before the send) -> 'sent' | 'failed' |
'skipped' (stale or recipient gone, on purpose and counted), or back to 'pending' with a later
not_before (held for quiet hours or a pause, or a retry after a 5xx). A row left 'sending' by a
crash is made 'pending' again at start-up. This module writes rows (the only writer of the
table); the sender reads, claims and settles them through storage/outbox_sending.py.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import aiosqlite

from storage.db import Database, write
from storage.timecodec import to_db


class Lane(enum.IntEnum):
    """Order in which waiting messages get Telegram's send capacity (stored by lower-case name)."""

    CRISIS = 0
    INTERACTIVE = 1
    RELAY = 2
    SCHEDULED = 3
    BROADCAST = 4


OUTBOX_COLUMNS = (
    "id, idempotency_key, chat_id, member_id, lane, kind, method, payload, not_before, status, "
    "attempts, last_error, created_at, sent_at, expires_at, broadcast_id"
)
LANE_ORDER = (
    "CASE lane WHEN 'crisis' THEN 0 WHEN 'interactive' THEN 1 WHEN 'relay' THEN 2 "
    "WHEN 'scheduled' THEN 3 ELSE 4 END"
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
    expires_at: str | None = None
    broadcast_id: int | None = None


@dataclass(frozen=True)
class Recipient:
    """What the sender needs to know about a row's recipient to hold or skip it."""

    telegram_id: int
    role: str | None
    timezone: str
    quiet_start: str
    quiet_end: str
    paused_until: str | None
    unreachable: bool
    suspended: bool = False  # a coordinator's suspension (its pause is not the member's choice)


@dataclass(frozen=True)
class DueItem:
    """A due row and its recipient (None for groups and people who are not members)."""

    item: OutboxItem
    recipient: Recipient | None


def item_from_row(row: Any) -> OutboxItem:
    """Build an OutboxItem from a row selected with OUTBOX_COLUMNS."""
    values = {key: row[key] for key in OUTBOX_COLUMNS.split(", ")}
    values["payload"] = json.loads(values["payload"])
    return OutboxItem(**values)


@dataclass(frozen=True)
class NewMessage:
    """A row to enqueue (for `enqueue_many`)."""

    key: str
    chat_id: int
    lane: Lane
    kind: str
    payload: dict[str, Any]
    not_before: datetime
    member_id: int | None = None
    method: str = "sendMessage"
    expires_at: datetime | None = None
    broadcast_id: int | None = None


# The only statement that writes outbox rows: every row gets its key, lane and creation time here.
_INSERT_INTO = (
    "INSERT OR IGNORE INTO outbox (idempotency_key, chat_id, member_id, lane, kind, method, "
    "payload, not_before, created_at, expires_at, broadcast_id)"
)
_INSERT = f"{_INSERT_INTO} VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
# A member's alias, escaped for Telegram HTML exactly as bot.core.i18n.escape does.
_ESCAPED_ALIAS = (
    "replace(replace(replace(COALESCE(alias, ''), '&', '&amp;'), '<', '&lt;'), '>', '&gt;')"
)


def _insert_params(message: NewMessage, now: datetime) -> tuple[Any, ...]:
    return (
        message.key,
        message.chat_id,
        message.member_id,
        message.lane.name.lower(),
        message.kind,
        message.method,
        json.dumps(message.payload),
        to_db(message.not_before),
        to_db(now),
        to_db(message.expires_at) if message.expires_at else None,
        message.broadcast_id,
    )


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
    expires_at: datetime | None = None,
) -> bool:
    """Queue a message unless one with the same key exists; True if it was queued now.

    Accepts a Database (own transaction) or a connection inside the caller's transaction, so a
    state change and the message it causes commit together. `expires_at`: after it, the row is
    stale and skipped rather than sent late.
    """
    message = NewMessage(
        key, chat_id, lane, kind, payload, not_before, member_id, method, expires_at
    )
    return await write(target, _INSERT, _insert_params(message, now)) == 1


async def enqueue_many(
    connection: aiosqlite.Connection, messages: Sequence[NewMessage], now: datetime
) -> None:
    """Queue many rows inside the caller's transaction (duplicates by key are ignored)."""
    await connection.executemany(_INSERT, [_insert_params(m, now) for m in messages])


async def enqueue_to_members(
    connection: aiosqlite.Connection,
    *,
    key: tuple[str, str],
    lane: Lane,
    kind: str,
    payload: dict[str, Any],
    not_before: datetime,
    expires_at: datetime | None,
    now: datetime,
    where: str,
    params: Sequence[Any],
    alias_marker: str | None = None,
) -> int:
    """One row per member matching `where`, in one statement (INSERT .. SELECT): thousands of
    rows cost one statement, not thousands through Python. Returns how many were queued.

    Each row's key is key[0] + the member's code + key[1]. With `alias_marker`, that text in
    the payload's text becomes the member's alias, HTML-escaped (as bot.core.i18n.escape does).
    """
    document_params: tuple[Any, ...] = (json.dumps(payload),)
    payload_sql = "?"
    text = payload.get("text")
    if alias_marker is not None and isinstance(text, str) and alias_marker in text:
        before, after = text.split(alias_marker, 1)
        document_params += (before, after.replace(alias_marker, ""))
        payload_sql = f"json_set(?, '$.text', ? || {_ESCAPED_ALIAS} || ?)"
    cursor = await connection.execute(
        f"{_INSERT_INTO} SELECT ? || code || ?, telegram_id, id, ?, ?, 'sendMessage', "
        f"{payload_sql}, ?, ?, ?, NULL FROM members WHERE {where}",
        (
            *key,
            lane.name.lower(),
            kind,
            *document_params,
            to_db(not_before),
            to_db(now),
            to_db(expires_at) if expires_at else None,
            *params,
        ),
    )
    return max(cursor.rowcount, 0)


async def count_by_status(db: Database, kind: str | None = None) -> dict[str, int]:
    """How many rows are in each status (optionally of one kind)."""
    where, params = ("WHERE kind = ?", (kind,)) if kind else ("", ())
    rows = await db.fetch_all(
        f"SELECT status, COUNT(*) AS n FROM outbox {where} GROUP BY status", params
    )
    return {row["status"]: row["n"] for row in rows}


async def skipped_by_reason(db: Database) -> dict[str, int]:
    """Skipped rows by reason (stale, unreachable...), for status and reports."""
    rows = await db.fetch_all(
        "SELECT last_error, COUNT(*) AS n FROM outbox WHERE status = 'skipped' GROUP BY last_error"
    )
    return {row["last_error"] or "?": row["n"] for row in rows}
