"""Queries behind the coordinators' console: aggregate counts, pair history, digest facts."""

from __future__ import annotations

from datetime import datetime, timedelta

from storage.db import Database
from storage.pairs import PAIR_COLUMNS, Pair, pair_from_row
from storage.timecodec import to_db

ATTENTION_AFTER = timedelta(days=7)  # an active pair with no contact for this long needs a look


async def operational_counts(db: Database) -> dict[str, int]:
    """Counts of the programme right now (numbers only, nothing about anyone)."""
    row = await db.fetch_one(
        "SELECT "
        "(SELECT COUNT(*) FROM pairs WHERE status = 'active') AS active_pairs, "
        "(SELECT COUNT(*) FROM pairs WHERE status = 'introduced') AS introduced_pairs, "
        "(SELECT COUNT(*) FROM members WHERE status = 'waiting') AS waiting_members, "
        "(SELECT COUNT(*) FROM members WHERE status = 'awaiting_approval') AS awaiting_approval, "
        "(SELECT COUNT(*) FROM escalations WHERE status != 'resolved') AS open_escalations"
    )
    assert row is not None
    return {key: int(row[key]) for key in row.keys()}  # noqa: SIM118 (sqlite Row)


async def pair_history(db: Database, member_id: int) -> list[Pair]:
    """Every pair a member has been in, newest first (ended ones too)."""
    rows = await db.fetch_all(
        f"SELECT {PAIR_COLUMNS} FROM pairs WHERE mentee_id = ? OR mentor_id = ? ORDER BY id DESC",
        (member_id, member_id),
    )
    return [pair_from_row(row) for row in rows]


async def member_code(db: Database, member_id: int | None) -> str | None:
    """A member's code by row id (None if they used /forget)."""
    if member_id is None:
        return None
    value = await db.fetch_value("SELECT code FROM members WHERE id = ?", (member_id,))
    return str(value) if value is not None else None


async def pairs_needing_attention(db: Database, now: datetime, limit: int = 20) -> list[Pair]:
    """Active pairs with no contact (or no start) for ATTENTION_AFTER, oldest silence first."""
    cutoff = to_db(now - ATTENTION_AFTER)
    rows = await db.fetch_all(
        f"SELECT {PAIR_COLUMNS} FROM pairs WHERE status = 'active' "
        "AND COALESCE(last_contact_at, started_at, created_at) < ? "
        "ORDER BY COALESCE(last_contact_at, started_at, created_at) LIMIT ?",
        (cutoff, limit),
    )
    return [pair_from_row(row) for row in rows]


async def count_events(db: Database, kind: str, since: datetime, until: datetime) -> int:
    """How many engagement events of a kind fell in [since, until)."""
    value = await db.fetch_value(
        "SELECT COUNT(*) FROM engagement WHERE kind = ? AND hour >= ? AND hour < ?",
        (kind, to_db(since), to_db(until)),
    )
    return int(value or 0)


async def set_forum_topic(db: Database, pair_id: int, topic_id: int) -> None:
    """Remember the coordinators' forum topic of a pair."""
    await db.execute("UPDATE pairs SET forum_topic_id = ? WHERE id = ?", (topic_id, pair_id))


async def forum_topic_of(db: Database, pair_id: int) -> int | None:
    """The pair's forum topic, if one was created."""
    value = await db.fetch_value("SELECT forum_topic_id FROM pairs WHERE id = ?", (pair_id,))
    return int(value) if value is not None else None


async def outbox_has(db: Database, key: str) -> bool:
    """True if a message with this idempotency key was already queued."""
    value = await db.fetch_value("SELECT 1 FROM outbox WHERE idempotency_key = ?", (key,))
    return value is not None
