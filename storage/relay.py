"""The relay map (ids and times only), mentors' chosen recipient, concern reports, week stats."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from storage.db import Database
from storage.timecodec import from_db, to_db

RELAY_COLUMNS = (
    "id, pair_id, from_member_id, to_member_id, from_chat, from_msg, to_chat, to_msg, sent_at, "
    "deliver_at, delivered_at, into_quiet, sender_night, failure_told_at"
)


@dataclass(frozen=True)
class PairWeek:
    """One pair's relay metadata for one week."""

    pair_id: int
    pair_code: str
    mentee_sent: int
    mentor_sent: int
    mentee_into_quiet: int  # mentee's messages that landed in the mentor's quiet hours/night
    mentor_into_quiet: int
    mentor_night: int  # mentor's messages sent late at night in their own time


@dataclass(frozen=True)
class RelayedMessage:
    """One relayed message: where it came from, where its copy is."""

    id: int
    pair_id: int
    from_member_id: int | None
    to_member_id: int | None
    from_chat: int
    from_msg: int
    to_chat: int
    to_msg: int | None
    sent_at: str
    deliver_at: str
    delivered_at: str | None
    into_quiet: bool
    sender_night: bool
    failure_told_at: str | None


def _from_row(row: Any) -> RelayedMessage:
    """Build a RelayedMessage from a row selected with RELAY_COLUMNS."""
    values = dict(row)
    values["into_quiet"] = bool(values["into_quiet"])
    values["sender_night"] = bool(values["sender_night"])
    return RelayedMessage(**values)


async def record(
    db: Database,
    *,
    pair_id: int,
    from_member_id: int,
    to_member_id: int,
    from_chat: int,
    from_msg: int,
    to_chat: int,
    now: datetime,
    deliver_at: datetime,
    into_quiet: bool,
    sender_night: bool,
) -> bool:
    """Remember a message about to be relayed; False if it was relayed already."""
    async with db.transaction() as connection:
        cursor = await connection.execute(
            "INSERT OR IGNORE INTO relay_messages (pair_id, from_member_id, to_member_id, "
            "from_chat, from_msg, to_chat, sent_at, deliver_at, into_quiet, sender_night) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                pair_id,
                from_member_id,
                to_member_id,
                from_chat,
                from_msg,
                to_chat,
                to_db(now),
                to_db(deliver_at),
                int(into_quiet),
                int(sender_night),
            ),
        )
        if cursor.rowcount == 1:
            # Last contact: the pair is talking (kept here, not in storage/pairs, by design).
            await connection.execute(
                "UPDATE pairs SET last_contact_at = ? WHERE id = ?", (to_db(now), pair_id)
            )
        return cursor.rowcount == 1


async def mark_delivered(
    db: Database, from_chat: int, from_msg: int, to_chat: int, to_msg: int, now: datetime
) -> None:
    """The copy now exists in the recipient's chat as `to_msg`."""
    await db.execute(
        "UPDATE relay_messages SET to_msg = ?, delivered_at = ? "
        "WHERE from_chat = ? AND from_msg = ? AND to_chat = ?",
        (to_msg, to_db(now), from_chat, from_msg, to_chat),
    )


async def by_copy(db: Database, chat_id: int, message_id: int) -> RelayedMessage | None:
    """The relayed message whose copy is `message_id` in `chat_id` (for replies)."""
    row = await db.fetch_one(
        f"SELECT {RELAY_COLUMNS} FROM relay_messages WHERE to_chat = ? AND to_msg = ?",
        (chat_id, message_id),
    )
    return _from_row(row) if row else None


async def by_original(db: Database, chat_id: int, message_id: int) -> RelayedMessage | None:
    """The relay of the sender's own message `message_id` in `chat_id`, if it was relayed."""
    row = await db.fetch_one(
        f"SELECT {RELAY_COLUMNS} FROM relay_messages WHERE from_chat = ? AND from_msg = ? "
        "ORDER BY id LIMIT 1",
        (chat_id, message_id),
    )
    return _from_row(row) if row else None


async def previous_to(
    db: Database, to_chat: int, from_chat: int, from_msg: int
) -> tuple[int, datetime] | None:
    """(pair id, deliver_at) of the message relayed to `to_chat` just before this one."""
    row = await db.fetch_one(
        "SELECT pair_id, deliver_at FROM relay_messages WHERE to_chat = ? "
        "AND NOT (from_chat = ? AND from_msg = ?) ORDER BY id DESC LIMIT 1",
        (to_chat, from_chat, from_msg),
    )
    if row is None:
        return None
    moment = from_db(row["deliver_at"])
    assert moment is not None
    return int(row["pair_id"]), moment


async def set_target(db: Database, member_id: int, pair_id: int, now: datetime) -> None:
    """A mentor picked whom their next messages go to."""
    await db.execute(
        "INSERT INTO relay_targets (member_id, pair_id, chosen_at) VALUES (?, ?, ?) "
        "ON CONFLICT (member_id) DO UPDATE SET pair_id = excluded.pair_id, "
        "chosen_at = excluded.chosen_at",
        (member_id, pair_id, to_db(now)),
    )


async def target(db: Database, member_id: int, since: datetime) -> int | None:
    """The pair a mentor picked (used or chosen since `since`), if any."""
    value = await db.fetch_value(
        "SELECT pair_id FROM relay_targets WHERE member_id = ? AND chosen_at >= ?",
        (member_id, to_db(since)),
    )
    return int(value) if value is not None else None


async def add_report(
    db: Database, *, pair_id: int | None, member_id: int, kind: str, now: datetime
) -> int:
    """Record that a concern of `kind` was raised (never its words)."""
    return await db.execute(
        "INSERT INTO reports (pair_id, member_id, kind, created_at) VALUES (?, ?, ?, ?)",
        (pair_id, member_id, kind, to_db(now)),
    )


async def report_count(db: Database) -> int:
    """How many reports exist (tests, status)."""
    return int(await db.fetch_value("SELECT COUNT(*) FROM reports") or 0)


async def week_stats(db: Database, start: datetime, end: datetime) -> list[PairWeek]:
    """Per pair: messages each way, those into the partner's quiet hours/night, mentor at night."""
    rows = await db.fetch_all(
        "SELECT p.id AS pair_id, p.code AS pair_code, "
        "SUM(r.from_member_id = p.mentee_id) AS mentee_sent, "
        "SUM(r.from_member_id = p.mentor_id) AS mentor_sent, "
        "SUM(r.from_member_id = p.mentee_id AND (r.into_quiet OR r.sender_night)) "
        "  AS mentee_into_quiet, "
        "SUM(r.from_member_id = p.mentor_id AND (r.into_quiet OR r.sender_night)) "
        "  AS mentor_into_quiet, "
        "SUM(r.from_member_id = p.mentor_id AND r.sender_night) AS mentor_night "
        "FROM relay_messages r JOIN pairs p ON p.id = r.pair_id "
        "WHERE r.sent_at >= ? AND r.sent_at < ? GROUP BY p.id ORDER BY p.id",
        (to_db(start), to_db(end)),
    )
    counts = (
        "mentee_sent",
        "mentor_sent",
        "mentee_into_quiet",
        "mentor_into_quiet",
        "mentor_night",
    )
    return [
        PairWeek(row["pair_id"], row["pair_code"], *(int(row[name] or 0) for name in counts))
        for row in rows
    ]


async def latest_report_of(db: Database, member_id: int) -> int | None:
    """The member's most recent report id (the one they are adding words to)."""
    value = await db.fetch_value(
        "SELECT id FROM reports WHERE member_id = ? ORDER BY id DESC LIMIT 1", (member_id,)
    )
    return int(value) if value is not None else None


async def held_outbox_items(db: Database, hold: datetime) -> list[tuple[int, int]]:
    """(outbox id, member id) of pending messages held for an open-ended pause."""
    rows = await db.fetch_all(
        "SELECT id, member_id FROM outbox WHERE status = 'pending' AND not_before >= ? "
        "AND member_id IS NOT NULL",
        (to_db(hold),),
    )
    return [(int(row["id"]), int(row["member_id"])) for row in rows]


async def outbox_key_exists(db: Database, key: str) -> bool:
    """Was a message with this idempotency key queued already (cheap check before a write)?"""
    return (
        await db.fetch_value("SELECT 1 FROM outbox WHERE idempotency_key = ?", (key,)) is not None
    )


async def queued_recently(db: Database, chat_id: int, kind: str, since: datetime) -> bool:
    """Was a message of `kind` queued for `chat_id` since `since` (e.g. a crisis card)?"""
    value = await db.fetch_value(
        "SELECT 1 FROM outbox WHERE chat_id = ? AND kind = ? AND created_at >= ? LIMIT 1",
        (chat_id, kind, to_db(since)),
    )
    return value is not None


@dataclass(frozen=True)
class Failure:
    """A relayed message whose copy failed for good, not yet explained to the sender."""

    id: int
    pair_id: int
    from_chat: int
    from_msg: int
    error: str


async def undelivered_failures(db: Database) -> list[Failure]:
    """Relayed messages whose outbox copy failed for good and whose sender was not told."""
    rows = await db.fetch_all(
        "SELECT r.id, r.pair_id, r.from_chat, r.from_msg, COALESCE(o.last_error, '') AS error "
        "FROM relay_messages r JOIN outbox o ON o.idempotency_key = "
        "'relay:' || r.from_member_id || ':' || r.from_msg || ':' || r.to_member_id "
        # delivered_at IS NULL: read through the small partial index relay_untold.
        "WHERE o.status = 'failed' AND r.delivered_at IS NULL AND r.failure_told_at IS NULL "
        "ORDER BY r.id"
    )
    return [Failure(**dict(row)) for row in rows]


async def mark_failure_told(db: Database, relay_id: int, now: datetime) -> None:
    """The sender has been told (or there was no one left to tell)."""
    await db.execute(
        "UPDATE relay_messages SET failure_told_at = ? WHERE id = ?", (to_db(now), relay_id)
    )


async def outbox_key_prefix_exists(db: Database, prefix: str) -> bool:
    """Is any outbox row keyed with this prefix (e.g. a notice another feature sent)?"""
    value = await db.fetch_value(
        "SELECT 1 FROM outbox WHERE idempotency_key >= ? AND idempotency_key < ? LIMIT 1",
        (prefix, prefix + "\uffff"),
    )
    return value is not None
