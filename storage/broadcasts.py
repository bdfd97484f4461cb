"""Broadcasts: a coordinator's message to many members, from draft to final report."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import aiosqlite

from storage.db import Database, write
from storage.timecodec import to_db

BROADCAST_COLUMNS = (
    "id, audience, text, status, created_by, created_by_name, created_at, confirmed_at, "
    "finished_at, total, unreachable_at_start, progress_message_id, progress_at"
)
AUDIENCE_ROLES = {"mentors": ("mentor",), "mentees": ("mentee",), "everyone": ("mentee", "mentor")}


@dataclass(frozen=True)
class Broadcast:
    """One broadcast's row."""

    id: int
    audience: str
    text: str | None
    status: str
    created_by: int
    created_by_name: str
    created_at: str
    confirmed_at: str | None
    finished_at: str | None
    total: int
    unreachable_at_start: int
    progress_message_id: int | None
    progress_at: str | None


@dataclass(frozen=True)
class Recipient:
    """A member a broadcast goes to."""

    member_id: int
    telegram_id: int
    code: str
    language: str


async def get(db: Database, broadcast_id: int) -> Broadcast | None:
    """A broadcast by id."""
    row = await db.fetch_one(
        f"SELECT {BROADCAST_COLUMNS} FROM broadcasts WHERE id = ?", (broadcast_id,)
    )
    return Broadcast(**dict(row)) if row else None


async def create_draft(
    db: Database, *, audience: str, text: str, actor_id: int, actor_name: str, now: datetime
) -> Broadcast:
    """Store a draft awaiting confirmation."""
    broadcast_id = await db.execute(
        "INSERT INTO broadcasts (audience, text, created_by, created_by_name, created_at) "
        "VALUES (?, ?, ?, ?, ?)",
        (audience, text, actor_id, actor_name, to_db(now)),
    )
    found = await get(db, broadcast_id)
    assert found is not None
    return found


def _audience_sql(audience: str) -> tuple[str, tuple[str, ...]]:
    roles = AUDIENCE_ROLES[audience]
    return f"role IN ({', '.join('?' for _ in roles)})", roles


async def audience_counts(db: Database, audience: str) -> tuple[int, int]:
    """(reachable, unreachable) members in an audience."""
    where, params = _audience_sql(audience)
    row = await db.fetch_one(
        f"SELECT COALESCE(SUM(unreachable = 0), 0), COALESCE(SUM(unreachable = 1), 0) "
        f"FROM members WHERE {where}",
        params,
    )
    assert row is not None
    return int(row[0]), int(row[1])


async def recipients(connection: aiosqlite.Connection, audience: str) -> list[Recipient]:
    """Reachable members of an audience (inside the caller's transaction)."""
    where, params = _audience_sql(audience)
    cursor = await connection.execute(
        f"SELECT id, telegram_id, code, language FROM members WHERE {where} AND unreachable = 0 "
        "ORDER BY id",
        params,
    )
    return [Recipient(*row) for row in await cursor.fetchall()]


async def set_status(
    connection: aiosqlite.Connection | Database,
    broadcast_id: int,
    *,
    old: str,
    new: str,
    **fields: Any,
) -> bool:
    """Move a broadcast from `old` to `new` status (with extra columns); False if not in `old`."""
    allowed = {"confirmed_at", "finished_at", "total", "unreachable_at_start", "text"}
    assert set(fields) <= allowed
    assignments = "".join(f", {name} = ?" for name in sorted(fields))
    sql = f"UPDATE broadcasts SET status = ?{assignments} WHERE id = ? AND status = ?"
    params = (new, *(fields[name] for name in sorted(fields)), broadcast_id, old)
    return await write(connection, sql, params) == 1


async def set_progress(
    db: Database, broadcast_id: int, *, message_id: int | None = None, at: datetime
) -> None:
    """Remember the progress message and when it was last edited."""
    if message_id is not None:
        await db.execute(
            "UPDATE broadcasts SET progress_message_id = ?, progress_at = ? WHERE id = ?",
            (message_id, to_db(at), broadcast_id),
        )
    else:
        await db.execute(
            "UPDATE broadcasts SET progress_at = ? WHERE id = ?", (to_db(at), broadcast_id)
        )


@dataclass(frozen=True)
class Progress:
    """Where a broadcast's rows stand."""

    sent: int
    unreachable: int
    held: int
    waiting: int
    other: int

    @property
    def done(self) -> bool:
        """Nothing left to send or hold."""
        return self.waiting == 0 and self.held == 0


async def progress(db: Database, broadcast_id: int, now: datetime) -> Progress:
    """Counts of a broadcast's outbox rows by outcome."""
    rows = await db.fetch_all(
        "SELECT status, last_error, not_before > ? AS later, COUNT(*) AS n FROM outbox "
        "WHERE broadcast_id = ? GROUP BY status, last_error, later",
        (to_db(now), broadcast_id),
    )
    sent = unreachable = held = waiting = other = 0
    for row in rows:
        status, error, later, count = row["status"], row["last_error"], row["later"], row["n"]
        if status == "sent":
            sent += count
        elif error in ("forbidden", "unreachable") and status in ("failed", "skipped"):
            unreachable += count
        elif status == "pending" and later:
            held += count
        elif status in ("pending", "sending"):
            waiting += count
        else:
            other += count
    return Progress(sent, unreachable, held, waiting, other)


async def audience_counts_in(connection: aiosqlite.Connection, audience: str) -> tuple[int, int]:
    """(reachable, unreachable) members in an audience, inside the caller's transaction."""
    where, params = _audience_sql(audience)
    cursor = await connection.execute(
        f"SELECT COALESCE(SUM(unreachable = 0), 0), COALESCE(SUM(unreachable = 1), 0) "
        f"FROM members WHERE {where}",
        params,
    )
    row = await cursor.fetchone()
    assert row is not None
    return int(row[0]), int(row[1])
