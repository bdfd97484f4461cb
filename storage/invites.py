"""Invite links: one row per link; the link itself carries only the id and a signature."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import aiosqlite

from storage.db import Database
from storage.timecodec import to_db


@dataclass(frozen=True)
class Invite:
    """One invite link's row."""

    id: int
    role: str
    cohort: str | None
    created_at: str
    expires_at: str
    created_by: int
    used_at: str | None


async def add(
    db: Database,
    *,
    role: str,
    cohort: str | None,
    created_by: int,
    now: datetime,
    expires_at: datetime,
) -> int:
    """Store a new invite; its id."""
    async with db.transaction() as connection:
        cursor = await connection.execute(
            "INSERT INTO invites (role, cohort, created_at, expires_at, created_by) "
            "VALUES (?, ?, ?, ?, ?)",
            (role, cohort, to_db(now), to_db(expires_at), created_by),
        )
        assert cursor.lastrowid is not None
        return int(cursor.lastrowid)


async def get(db: Database, invite_id: int) -> Invite | None:
    """The invite with this id."""
    row = await db.fetch_one(
        "SELECT id, role, cohort, created_at, expires_at, created_by, used_at FROM invites "
        "WHERE id = ?",
        (invite_id,),
    )
    return Invite(**dict(row)) if row else None


async def use(connection: aiosqlite.Connection, invite_id: int, now: datetime) -> bool:
    """Mark the invite used, exactly once and only while valid; False if it was not."""
    cursor = await connection.execute(
        "UPDATE invites SET used_at = ? WHERE id = ? AND used_at IS NULL AND expires_at > ?",
        (to_db(now), invite_id, to_db(now)),
    )
    return cursor.rowcount == 1


async def members_with_role(db: Database) -> int:
    """How many members have chosen a role (the programme's size, for PROGRAMME_CAPACITY)."""
    return int(await db.fetch_value("SELECT COUNT(*) FROM members WHERE role IS NOT NULL", ()))
