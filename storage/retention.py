"""Data retention: who has been inactive long enough to be told, or to be deleted; and the
day-granular "last seen" that measures it."""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from storage.db import Database
from storage.timecodec import to_db

# A member's last sign of life: consent, the last day they used the bot, the end of their
# latest pair. Members in a current pair are never due (the pair's own end comes first).
_LAST_ACTIVE = (
    "MAX(m.consented_at, COALESCE(m.last_seen_at, ''), COALESCE((SELECT MAX(p.ended_at) "
    "FROM pairs p WHERE p.mentee_id = m.id OR p.mentor_id = m.id), ''))"
)
# Implied by "_LAST_ACTIVE < cutoff" and written exactly as migration 0016's index
# members_seen, so the sweep reads only the members inactive that long, not the whole table
# (the queries sort by "+m.id": sorting the few found, rather than walking every member in id
# order to fill the LIMIT, which the planner would otherwise choose).
_SEEN = "MAX(m.consented_at, COALESCE(m.last_seen_at, ''))"
_NO_CURRENT_PAIR = (
    "NOT EXISTS (SELECT 1 FROM pairs p WHERE p.status != 'ended' "
    "AND (p.mentee_id = m.id OR p.mentor_id = m.id))"
)
ERASING = "retention_erasing:"  # kv key prefix: an erasure started and not yet confirmed


async def touch(db: Database, telegram_id: int, now: datetime) -> None:
    """They used the bot today: record it, and cancel any deletion notice."""
    await db.execute(
        "UPDATE members SET last_seen_at = ?, retention_notice_at = NULL WHERE telegram_id = ?",
        (to_db(now), telegram_id),
    )


async def due_for_notice(db: Database, notice_before: datetime, limit: int) -> list[int]:
    """Reachable members inactive since before `notice_before` who have not been told yet."""
    rows = await db.fetch_all(
        f"SELECT m.id FROM members m WHERE (m.retention_notice_at IS NULL OR "
        f"m.retention_notice_at < {_LAST_ACTIVE}) AND m.unreachable = 0 "
        f"AND {_NO_CURRENT_PAIR} AND {_SEEN} < ?1 AND {_LAST_ACTIVE} < ?1 "
        f"ORDER BY +m.id LIMIT ?2",
        (to_db(notice_before), limit),
    )
    return [int(row[0]) for row in rows]


async def mark_notified(connection: aiosqlite.Connection, member_id: int, now: datetime) -> None:
    """Remember the notice went out (inside the transaction that queued it)."""
    await connection.execute(
        "UPDATE members SET retention_notice_at = ? WHERE id = ?", (to_db(now), member_id)
    )


async def due_for_erasure(
    db: Database, inactive_before: datetime, told_before: datetime, limit: int
) -> list[int]:
    """Members inactive since before `inactive_before` who were told (after their last
    activity) before `told_before`, or cannot be told (they blocked the bot)."""
    rows = await db.fetch_all(
        f"SELECT m.id FROM members m WHERE {_NO_CURRENT_PAIR} AND {_SEEN} < ?1 "
        f"AND {_LAST_ACTIVE} < ?1 AND (m.unreachable = 1 OR (m.retention_notice_at <= ?2 "
        f"AND m.retention_notice_at >= {_LAST_ACTIVE})) ORDER BY +m.id LIMIT ?3",
        (to_db(inactive_before), to_db(told_before), limit),
    )
    return [int(row[0]) for row in rows]


async def start_erasing(db: Database, telegram_id: int) -> None:
    """Note an erasure in progress, so a kill halfway is finished by the next sweep."""
    await db.execute(
        "INSERT OR IGNORE INTO kv (key, value) VALUES (?, '')", (f"{ERASING}{telegram_id}",)
    )


async def done_erasing(db: Database, telegram_id: int) -> None:
    """The erasure finished: drop its note."""
    await db.execute("DELETE FROM kv WHERE key = ?", (f"{ERASING}{telegram_id}",))


async def unfinished_erasures(db: Database) -> list[int]:
    """Telegram ids whose erasure was interrupted."""
    rows = await db.fetch_all("SELECT key FROM kv WHERE key LIKE ?", (f"{ERASING}%",))
    return [int(str(row[0]).removeprefix(ERASING)) for row in rows]
