"""Audit log of coordinator actions: who, what, when (targets are codes, never Telegram ids)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import aiosqlite

from storage.db import Database
from storage.timecodec import to_db


@dataclass(frozen=True)
class AuditEntry:
    """One coordinator action."""

    id: int
    at: str
    actor_id: int
    actor_name: str
    action: str
    target: str | None
    detail: str | None


async def record(
    target: Database | aiosqlite.Connection,
    *,
    actor_id: int,
    actor_name: str,
    action: str,
    now: datetime,
    subject: str | None = None,
    detail: str | None = None,
) -> None:
    """Record a coordinator action."""
    sql = (
        "INSERT INTO audit_log (at, actor_id, actor_name, action, target, detail) "
        "VALUES (?, ?, ?, ?, ?, ?)"
    )
    params = (to_db(now), actor_id, actor_name, action, subject, detail)
    await target.execute(sql, params)


async def recent(db: Database, limit: int = 20) -> list[AuditEntry]:
    """Most recent actions first."""
    rows = await db.fetch_all(
        "SELECT id, at, actor_id, actor_name, action, target, detail FROM audit_log "
        "ORDER BY id DESC LIMIT ?",
        (limit,),
    )
    return [AuditEntry(**dict(row)) for row in rows]
