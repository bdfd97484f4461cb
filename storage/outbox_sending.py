"""The sender's side of the outbox table: due rows with their recipients, claims, outcomes.

A row is claimed ('sending') just before its send and marked 'sent', 'failed' or 'skipped' after
it, or put back to 'pending' with a later not_before (held, or retried). Rows are written only by
storage/outbox.py.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from storage.db import Database
from storage.outbox import LANE_ORDER, OUTBOX_COLUMNS, DueItem, OutboxItem, Recipient, item_from_row
from storage.timecodec import to_db


async def due(db: Database, now: datetime, limit: int = 500) -> list[OutboxItem]:
    """Pending items whose time has come, highest lane first, oldest first."""
    rows = await db.fetch_all(
        f"SELECT {OUTBOX_COLUMNS} FROM outbox WHERE status = 'pending' AND not_before <= ? "
        f"ORDER BY {LANE_ORDER}, not_before, id LIMIT ?",
        (to_db(now), limit),
    )
    return [item_from_row(row) for row in rows]


URGENT_LANES = ("crisis", "interactive", "relay")
LOW_LANES = ("scheduled", "broadcast")
_DUE_IN_LANE = (
    "SELECT {columns}, m.telegram_id AS m_telegram_id, m.role AS m_role, "
    "m.timezone AS m_timezone, m.quiet_start AS m_quiet_start, m.quiet_end AS m_quiet_end, "
    "m.paused_until AS m_paused_until, m.unreachable AS m_unreachable, "
    "m.suspended_at IS NOT NULL AS m_suspended "
    "FROM outbox AS o LEFT JOIN members AS m ON m.id = o.member_id "
    "WHERE o.status = 'pending' AND o.lane = ? AND o.not_before <= ? "
    "ORDER BY o.not_before, o.id"
).format(columns=", ".join(f"o.{c}" for c in OUTBOX_COLUMNS.split(", ")))


async def _chats(db: Database, where: str, lanes: Sequence[str], params: Sequence[Any]) -> set[int]:
    """Chats with rows matching `where` in these lanes."""
    marks = ", ".join("?" for _ in lanes)
    rows = await db.fetch_all(
        f"SELECT DISTINCT chat_id FROM outbox WHERE {where} AND lane IN ({marks})",
        (*params, *lanes),
    )
    return {int(row["chat_id"]) for row in rows}


async def due_with_recipients(
    db: Database, now: datetime, limit: int, lanes: Sequence[str] = URGENT_LANES + LOW_LANES
) -> list[DueItem]:
    """Due pending rows of these lanes with their recipient's window, highest lane first.

    One row per chat at a time: a chat with a row being sent offers nothing more, and every
    other chat offers only its first row in line. That keeps each chat's messages in order and
    stops one busy chat (the coordinators' group paced at 20 a minute, a flurry of relayed
    messages) from filling the sender's window while others wait. Asked for urgent lanes only,
    a chat counts as busy only with an urgent row in flight: a nudge waiting its turn in the
    limiter must not hold back the reply to what the member just did. Crisis rows are exempt:
    they never wait behind anything.

    Lanes are read one at a time, oldest first, through the `outbox_lane_due` index, and reading
    stops once `limit` rows are found, so the cost follows what is taken, not the backlog.
    """
    urgent_only = set(lanes) <= set(URGENT_LANES)
    in_flight = [
        lane
        for lane in URGENT_LANES + LOW_LANES
        if lane != "crisis" and (lane in URGENT_LANES or not urgent_only)
    ]
    taken = await _chats(db, "status = 'sending'", in_flight, ())
    if not set(lanes) & set(URGENT_LANES):  # a chat's urgent rows due now go first
        taken |= await _chats(
            db, "status = 'pending' AND not_before <= ?", URGENT_LANES, (to_db(now),)
        )
    found: list[DueItem] = []
    for lane in (name for name in URGENT_LANES + LOW_LANES if name in lanes):

        def first_in_line(row: Any, lane: str = lane) -> bool:
            if lane == "crisis":
                return True
            if row["chat_id"] in taken:
                return False
            taken.add(row["chat_id"])
            return True

        rows = await db.first_rows(
            _DUE_IN_LANE, (lane, to_db(now)), first_in_line, limit - len(found)
        )
        found += [_due_item(row) for row in rows]
        if len(found) >= limit:
            break
    return found


def _due_item(row: Any) -> DueItem:
    recipient = None
    if row["m_telegram_id"] is not None:
        recipient = Recipient(
            row["m_telegram_id"],
            row["m_role"],
            row["m_timezone"],
            row["m_quiet_start"],
            row["m_quiet_end"],
            row["m_paused_until"],
            bool(row["m_unreachable"]),
            bool(row["m_suspended"]),
        )
    return DueItem(item_from_row(row), recipient)


async def settle(
    db: Database,
    now: datetime,
    *,
    claim: Iterable[int] = (),
    hold: Iterable[tuple[int, datetime]] = (),
    skip: Iterable[tuple[int, str]] = (),
) -> None:
    """In one transaction: claim rows for sending, hold rows until later, skip stale rows."""
    stamp = to_db(now)
    async with db.transaction() as connection:
        await connection.executemany(
            "UPDATE outbox SET status = 'sending', claimed_at = ? "
            "WHERE id = ? AND status = 'pending'",
            [(stamp, item_id) for item_id in claim],
        )
        await connection.executemany(
            "UPDATE outbox SET not_before = ? WHERE id = ? AND status = 'pending'",
            [(to_db(until), item_id) for item_id, until in hold],
        )
        await connection.executemany(
            "UPDATE outbox SET status = 'skipped', last_error = ?, payload = '{}' "
            "WHERE id = ? AND status = 'pending'",
            [(reason, item_id) for item_id, reason in skip],
        )


async def recover_interrupted(db: Database) -> int:
    """Rows a crash left 'sending' go back to 'pending' (start-up); returns how many."""
    async with db.transaction() as connection:
        cursor = await connection.execute(
            "UPDATE outbox SET status = 'pending', claimed_at = NULL WHERE status = 'sending'"
        )
        return cursor.rowcount


async def mark_sent(db: Database, item_id: int, now: datetime) -> None:
    """Sent: keep the row (for idempotency) but drop its content."""
    await db.execute(
        "UPDATE outbox SET status = 'sent', sent_at = ?, payload = '{}', attempts = attempts + 1 "
        "WHERE id = ?",
        (to_db(now), item_id),
    )


async def mark_failed(
    db: Database,
    item_id: int,
    error: str,
    *,
    final: bool,
    retry_at: datetime | None = None,
    count: bool = True,
) -> None:
    """A failed attempt: retry later, or give up (content dropped either way when final).
    `count=False` (Telegram asked us to wait: a 429) leaves the attempt count unchanged."""
    if final:
        await db.execute(
            "UPDATE outbox SET status = 'failed', last_error = ?, payload = '{}', "
            "attempts = attempts + 1 WHERE id = ?",
            (error, item_id),
        )
    else:
        assert retry_at is not None
        await db.execute(
            "UPDATE outbox SET status = 'pending', last_error = ?, attempts = attempts + ?, "
            "not_before = ?, claimed_at = NULL WHERE id = ?",
            (error, 1 if count else 0, to_db(retry_at), item_id),
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
