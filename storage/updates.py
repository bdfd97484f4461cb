"""The durable inbox and the ids already handled, so a crash loses no update and a replayed
one is dropped.

An update's life: saved in `inbox` when it arrives (before Telegram is told we have it) ->
handled -> `mark_handled` deletes it from the inbox and records its id in `processed_updates`,
in one transaction. Rows still in the inbox at start-up are handled first.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from storage.db import Database
from storage.timecodec import to_db


async def already_processed(db: Database, update_id: int) -> bool:
    """True if this update was fully handled before."""
    row = await db.fetch_one("SELECT 1 FROM processed_updates WHERE update_id = ?", (update_id,))
    return row is not None


async def save_arrived(db: Database, batch: Sequence[tuple[int, str]], now: datetime) -> None:
    """Keep a batch of arrived updates (id, JSON body) in one transaction; ids already handled
    or already kept are ignored (Telegram re-sends an unconfirmed batch)."""
    stamp = to_db(now)
    async with db.transaction() as connection:
        await connection.executemany(
            "INSERT OR IGNORE INTO inbox (update_id, body, received_at) SELECT ?, ?, ? "
            "WHERE NOT EXISTS (SELECT 1 FROM processed_updates WHERE update_id = ?)",
            [(update_id, body, stamp, update_id) for update_id, body in batch],
        )


async def unhandled(db: Database) -> list[tuple[int, str]]:
    """Updates kept but never handled (a crash cut them off), oldest first."""
    rows = await db.fetch_all("SELECT update_id, body FROM inbox ORDER BY update_id")
    return [(int(row["update_id"]), str(row["body"])) for row in rows]


async def mark_handled(db: Database, update_id: int, now: datetime) -> None:
    """The update's handlers ran: drop it from the inbox and remember its id, together."""
    async with db.transaction() as connection:
        await connection.execute("DELETE FROM inbox WHERE update_id = ?", (update_id,))
        await connection.execute(
            "INSERT OR IGNORE INTO processed_updates (update_id, processed_at) VALUES (?, ?)",
            (update_id, to_db(now)),
        )


async def prune(db: Database, now: datetime, keep: timedelta = timedelta(days=2)) -> int:
    """Forget old ids: Telegram only re-sends the most recent unconfirmed batch."""
    async with db.transaction() as connection:
        cursor = await connection.execute(
            "DELETE FROM processed_updates WHERE processed_at < ?", (to_db(now - keep),)
        )
        return cursor.rowcount
