"""Escalations: crisis alerts to coordinators and their lifecycle (open -> claimed -> resolved)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import aiosqlite

from bot.clock import to_db
from storage.db import Database

ESCALATION_COLUMNS = (
    "id, member_id, member_code, pair_id, severity, source, status, detections, created_at, "
    "updated_at, claimed_by, claimed_by_name, claimed_at, resolved_at, outcome, alert_message_id, "
    "realerts, next_realert_at, resolved_by, resolved_by_name, kind, realert_day, "
    "realerts_that_day, next_reminder_at, reminders, contact_chat_id, contact_language, "
    "forget_pending, aftercare_at, failures, last_error"
)
SEVERITY_ORDER = {"concern": 1, "high": 2, "imminent": 3, "urgent": 4}


@dataclass(frozen=True)
class Escalation:
    """One escalation row."""

    id: int
    member_id: int | None
    member_code: str | None
    pair_id: int | None
    severity: str
    source: str
    status: str
    detections: int
    created_at: str
    updated_at: str
    claimed_by: int | None
    claimed_by_name: str | None
    claimed_at: str | None
    resolved_at: str | None
    outcome: str | None
    alert_message_id: int | None
    realerts: int
    next_realert_at: str | None
    resolved_by: int | None
    resolved_by_name: str | None
    kind: str = "self"
    realert_day: str | None = None
    realerts_that_day: int = 0
    next_reminder_at: str | None = None
    reminders: int = 0
    contact_chat_id: int | None = None
    contact_language: str | None = None
    forget_pending: int = 0
    aftercare_at: str | None = None
    failures: int = 0
    last_error: str | None = None


def escalation_from_row(row: Any) -> Escalation:
    """Build an Escalation from a row selected with ESCALATION_COLUMNS."""
    return Escalation(**dict(row))


async def get(db: Database, escalation_id: int) -> Escalation | None:
    """One escalation."""
    row = await db.fetch_one(
        f"SELECT {ESCALATION_COLUMNS} FROM escalations WHERE id = ?", (escalation_id,)
    )
    return escalation_from_row(row) if row else None


async def recent_open_for(db: Database, member_id: int, since: datetime) -> Escalation | None:
    """An unresolved escalation for this member raised since `since` (to merge repeats)."""
    row = await db.fetch_one(
        f"SELECT {ESCALATION_COLUMNS} FROM escalations WHERE member_id = ? AND status != 'resolved'"
        " AND created_at >= ? ORDER BY id DESC LIMIT 1",
        (member_id, to_db(since)),
    )
    return escalation_from_row(row) if row else None


async def open_new(
    db: Database,
    *,
    member_id: int | None,
    member_code: str | None,
    pair_id: int | None,
    severity: str,
    source: str,
    now: datetime,
    realert_after: timedelta,
    kind: str = "self",
    contact_chat_id: int | None = None,
    contact_language: str | None = None,
) -> Escalation:
    """Create an open escalation whose re-alert timer starts now."""
    escalation_id = await db.execute(
        "INSERT INTO escalations (member_id, member_code, pair_id, severity, source, created_at, "
        "updated_at, next_realert_at, kind, contact_chat_id, contact_language) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            member_id,
            member_code,
            pair_id,
            severity,
            source,
            to_db(now),
            to_db(now),
            to_db(now + realert_after),
            kind,
            contact_chat_id,
            contact_language,
        ),
    )
    escalation = await get(db, escalation_id)
    assert escalation is not None
    return escalation


async def add_detection(db: Database, escalation_id: int, severity: str, now: datetime) -> None:
    """Another detection for the same escalation: count it, keep the highest severity."""
    current = await get(db, escalation_id)
    assert current is not None
    highest = max(current.severity, severity, key=lambda value: SEVERITY_ORDER[value])
    await db.execute(
        "UPDATE escalations SET detections = detections + 1, severity = ?, updated_at = ? "
        "WHERE id = ?",
        (highest, to_db(now), escalation_id),
    )


async def open_escalations(db: Database) -> list[Escalation]:
    """Every escalation not yet resolved, oldest first."""
    rows = await db.fetch_all(
        f"SELECT {ESCALATION_COLUMNS} FROM escalations WHERE status != 'resolved' ORDER BY id"
    )
    return [escalation_from_row(row) for row in rows]


async def _update(db: Database, sql: str, params: tuple[Any, ...]) -> bool:
    """Run one conditional UPDATE; True if it changed a row (False: someone was first)."""
    async with db.transaction() as connection:
        cursor = await connection.execute(sql, params)
        return cursor.rowcount == 1


async def claim(
    db: Database, escalation_id: int, *, by: int, name: str, now: datetime
) -> bool:
    """Mark an open escalation as claimed (stops re-alerts); False if it was not open."""
    return await _update(
        db,
        "UPDATE escalations SET status = 'claimed', claimed_by = ?, claimed_by_name = ?, "
        "claimed_at = ?, updated_at = ?, next_realert_at = NULL WHERE id = ? AND status = 'open'",
        (by, name, to_db(now), to_db(now), escalation_id),
    )


async def resolve(
    db: Database, escalation_id: int, *, by: int, name: str, outcome: str, now: datetime
) -> bool:
    """Close an escalation with an outcome; False if it was already resolved."""
    return await _update(
        db,
        "UPDATE escalations SET status = 'resolved', resolved_by = ?, resolved_by_name = ?, "
        "outcome = ?, resolved_at = ?, updated_at = ?, next_realert_at = NULL "
        "WHERE id = ? AND status != 'resolved'",
        (by, name, outcome, to_db(now), to_db(now), escalation_id),
    )


async def set_alert_message(db: Database, escalation_id: int, message_id: int) -> None:
    """Remember the newest alert message in the coordinators' group (to edit it later)."""
    await db.execute(
        "UPDATE escalations SET alert_message_id = ? WHERE id = ?", (message_id, escalation_id)
    )


async def due_realerts(db: Database, now: datetime) -> list[Escalation]:
    """Unclaimed escalations whose re-alert time has come, oldest first."""
    rows = await db.fetch_all(
        f"SELECT {ESCALATION_COLUMNS} FROM escalations WHERE status = 'open' "
        "AND next_realert_at IS NOT NULL AND next_realert_at <= ? ORDER BY id",
        (to_db(now),),
    )
    return [escalation_from_row(row) for row in rows]


async def mark_realerted(
    connection: aiosqlite.Connection, escalation_id: int, *, next_at: datetime, now: datetime
) -> bool:
    """Count a re-alert and set the next one (inside the caller's transaction); False if it
    was claimed or resolved in the meantime."""
    cursor = await connection.execute(
        "UPDATE escalations SET realerts = realerts + 1, next_realert_at = ?, updated_at = ? "
        "WHERE id = ? AND status = 'open'",
        (to_db(next_at), to_db(now), escalation_id),
    )
    return cursor.rowcount == 1
