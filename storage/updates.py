"""Which update ids were already handled, so a replayed batch is dropped."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.clock import to_db
from storage.db import Database


async def already_processed(db: Database, update_id: int) -> bool:
    """True if this update was fully handled before."""
    row = await db.fetch_one("SELECT 1 FROM processed_updates WHERE update_id = ?", (update_id,))
    return row is not None


async def mark_processed(db: Database, update_id: int, now: datetime) -> None:
    """Record an update as handled (after its handlers ran)."""
    await db.execute(
        "INSERT OR IGNORE INTO processed_updates (update_id, processed_at) VALUES (?, ?)",
        (update_id, to_db(now)),
    )


async def prune(db: Database, now: datetime, keep: timedelta = timedelta(days=2)) -> None:
    """Forget old ids: Telegram only re-sends the most recent unconfirmed batch."""
    await db.execute("DELETE FROM processed_updates WHERE processed_at < ?", (to_db(now - keep),))
