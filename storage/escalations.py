"""Escalations: crisis alerts to coordinators and their lifecycle (open -> claimed -> resolved)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import aiosqlite

from storage.db import Database
from storage.timecodec import to_db

ESCALATION_COLUMNS = (
    "id, member_id, member_code, pair_id, severity, source, status, detections, created_at, "
    "updated_at, claimed_by, claimed_by_name, claimed_at, resolved_at, outcome, alert_message_id, "
    "realerts, next_realert_at, resolved_by, resolved_by_name, kind, realert_day, "
    "realerts_that_day, next_reminder_at, reminders, contact_chat_id, contact_language, "
    "forget_pending, aftercare_at, failures, last_error, first_alert_message_id, member_said"
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
    first_alert_message_id: int | None = None
    member_said: str | None = None


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
    db: Database,
    escalation_id: int,
    *,
    by: int,
    name: str,
    now: datetime,
    remind_at: datetime | None = None,
) -> bool:
    """Mark an open escalation as claimed (stops re-alerts, starts the claimed reminder);
    False if it was not open."""
    return await _update(
        db,
        "UPDATE escalations SET status = 'claimed', claimed_by = ?, claimed_by_name = ?, "
        "claimed_at = ?, updated_at = ?, next_realert_at = NULL, next_reminder_at = ? "
        "WHERE id = ? AND status = 'open'",
        (by, name, to_db(now), to_db(now), to_db(remind_at) if remind_at else None, escalation_id),
    )


async def resolve(
    db: Database,
    escalation_id: int,
    *,
    by: int,
    name: str,
    outcome: str,
    now: datetime,
    aftercare_at: datetime | None = None,
) -> bool:
    """Close an escalation with an outcome; False if it was already resolved.

    The member's Telegram id kept for reaching them is dropped now (it finishes a /forget
    made while the alert was open); the aftercare check is due at `aftercare_at`, if any.
    """
    return await _update(
        db,
        "UPDATE escalations SET status = 'resolved', resolved_by = ?, resolved_by_name = ?, "
        "outcome = ?, resolved_at = ?, updated_at = ?, next_realert_at = NULL, "
        "next_reminder_at = NULL, contact_chat_id = NULL, contact_language = NULL, "
        "forget_pending = 0, aftercare_at = CASE WHEN member_id IS NULL THEN NULL ELSE ? END "
        "WHERE id = ? AND status != 'resolved'",
        (
            by,
            name,
            outcome,
            to_db(now),
            to_db(now),
            to_db(aftercare_at) if aftercare_at else None,
            escalation_id,
        ),
    )


async def set_alert_message(db: Database, escalation_id: int, message_id: int) -> None:
    """Remember the newest alert message in the coordinators' group (to edit it later), and
    the first one (re-alerts reply to it, so one alert stays one thread)."""
    await db.execute(
        "UPDATE escalations SET alert_message_id = ?, failures = 0, last_error = NULL, "
        "first_alert_message_id = COALESCE(first_alert_message_id, ?) WHERE id = ?",
        (message_id, message_id, escalation_id),
    )


async def open_for_chat(db: Database, member_id: int | None, chat_id: int) -> Escalation | None:
    """The newest unresolved escalation about this member or this chat, if any."""
    row = await db.fetch_one(
        f"SELECT {ESCALATION_COLUMNS} FROM escalations WHERE status != 'resolved' "
        "AND (member_id = ? OR contact_chat_id = ?) ORDER BY id DESC LIMIT 1",
        (member_id, chat_id),
    )
    return escalation_from_row(row) if row else None


async def set_member_said(db: Database, escalation_id: int, said: str) -> None:
    """The member's latest answer ("safe", "called"), for the alert."""
    await db.execute("UPDATE escalations SET member_said = ? WHERE id = ?", (said, escalation_id))


async def keep_contact_after_forget(
    connection: aiosqlite.Connection, member_id: int, telegram_id: int, language: str
) -> int:
    """/forget while alerts are open: keep only what they need to reach the person (their
    Telegram id and language) until they are resolved; returns how many are open."""
    cursor = await connection.execute(
        "UPDATE escalations SET forget_pending = 1, contact_chat_id = ?, "
        "contact_language = COALESCE(contact_language, ?), aftercare_at = NULL "
        "WHERE member_id = ? AND status != 'resolved'",
        (telegram_id, language, member_id),
    )
    return cursor.rowcount
