"""Pruning the tables that would otherwise grow forever, a small batch per transaction.

Sent outbox rows (their payload is already emptied) and the relay map are kept for
`bot.delivery.pruning.KEEP`; anonymised engagement is never pruned here (the reports are computed from
all of it). Each batch is its own short transaction, so the bot's other writes wait at most one
batch.
"""

from __future__ import annotations

from datetime import datetime

from storage.db import Database
from storage.timecodec import to_db

BATCH = 200


async def prune_sent_outbox(db: Database, before: datetime, batches: int) -> int:
    """Delete up to `batches` x BATCH outbox rows sent before `before`; returns how many.

    Rows of a broadcast still being sent are kept (its progress counts read them)."""
    cutoff = to_db(before)
    # not_before <= sent_at, so the range on the (status, not_before) index finds them.
    return await _batches(
        db,
        "DELETE FROM outbox WHERE id IN (SELECT id FROM outbox WHERE status = 'sent' "
        "AND not_before < ?1 AND sent_at < ?1 AND (broadcast_id IS NULL OR broadcast_id IN "
        "(SELECT id FROM broadcasts WHERE status IN ('done', 'cancelled'))) LIMIT ?2)",
        cutoff,
        batches,
    )


async def prune_relay_map(db: Database, before: datetime, batches: int) -> int:
    """Delete up to `batches` x BATCH relay-map rows sent before `before` that are settled
    (delivered, or the sender was told it could not be); returns how many."""
    return await _batches(
        db,
        "DELETE FROM relay_messages WHERE id IN (SELECT id FROM relay_messages "
        "WHERE sent_at < ?1 AND (delivered_at IS NOT NULL OR failure_told_at IS NOT NULL) "
        "LIMIT ?2)",
        to_db(before),
        batches,
    )


async def _batches(db: Database, sql: str, cutoff: str, batches: int) -> int:
    deleted = 0
    for _ in range(batches):
        async with db.transaction() as connection:
            cursor = await connection.execute(sql, (cutoff, BATCH))
            count = cursor.rowcount
        deleted += count
        if count < BATCH:
            break
    return deleted
