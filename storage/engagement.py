"""The anonymised engagement log: hour bucket, event kind, role, pseudonym, one number.

Never a Telegram id, name, username, alias or free text: `record` takes the id only to find the
member's random secret and turn that into a keyed pseudonym (someone who is not a member gets
none), and has no parameter that could carry text.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import aiosqlite

from bot.clock import to_db
from bot.pseudonym import member_subject, pair_ref
from storage.db import Database

KINDS = frozenset(
    {
        "joined",
        "consented",
        "intake_done",
        "trained",
        "approved",
        "paired",
        "accepted",
        "checkin_done",
        "measure_score",
        "who5_score",
        "phq2_score",
        "message_relayed",
        "nudge_sent",
        "nudge_acted",
        "crisis_entered",
        "escalation_raised",
        "escalation_claimed",
        "escalation_resolved",
        "escalation_realerted",
        "crisis_answered",
        "coping_opened",
        "referral_sent",
        "coping_helpful",
        "coping_not_helpful",
        "paused",
        "resumed",
        "ended",
        "forgot",
        "fit_check",
        "exit_survey",
        "pulse_done",
        "report_raised",
        "reachout_done",
    }
)


# What `value` means for some kinds (the row holds one number, never text):
#   checkin_done: mood 1-5 · who5_score: WHO-5 percentage 0-100 · phq2_score: 0-6 ·
#   escalation_raised: severity order · escalation_claimed/resolved: minutes since raised ·
#   coping_helpful/coping_not_helpful: bot.pseudonym.content_number(strategy id) ·
#   ended: END_REASONS[reason] · message_relayed: none (one row per relayed message).
END_REASONS = {
    "completed": 1,
    "mentee_left": 2,
    "mentor_left": 3,
    "coordinator": 4,
    "forgot": 5,
    "no_fit": 6,
    "unreachable": 7,
    "other": 9,
}


@dataclass(frozen=True)
class EngagementEvent:
    """One anonymised row."""

    hour: str
    kind: str
    role: str | None
    subject: str | None
    pair_ref: str | None
    value: float | None


def hour_bucket(moment: datetime) -> str:
    """The hour a moment falls in (finer times could re-identify people)."""
    return to_db(moment.replace(minute=0, second=0, microsecond=0))


async def record(
    target: Database | aiosqlite.Connection,
    key: bytes,
    *,
    kind: str,
    now: datetime,
    telegram_id: int | None = None,
    role: str | None = None,
    pair_code: str | None = None,
    value: float | None = None,
    secret: bytes | None = None,
) -> None:
    """Add one anonymised event (kind must be a known one: no free-form strings).

    The subject comes from the member's pseudonym secret, looked up by `telegram_id`; `secret`
    gives it directly instead (the demo's history of members who have since left).
    """
    if kind not in KINDS:
        raise ValueError(f"unknown engagement kind {kind!r}")
    if role not in (None, "mentee", "mentor", "coordinator"):
        raise ValueError(f"unknown role {role!r}")
    if secret is None and telegram_id is not None:
        secret = await secret_of(target, telegram_id)
    params = (
        hour_bucket(now),
        kind,
        role,
        member_subject(key, secret) if secret is not None else None,
        pair_ref(key, pair_code) if pair_code else None,
        value,
    )
    sql = (
        "INSERT INTO engagement (hour, kind, role, subject, pair_ref, value) "
        "VALUES (?, ?, ?, ?, ?, ?)"
    )
    await target.execute(sql, params)


async def secret_of(target: Database | aiosqlite.Connection, telegram_id: int) -> bytes | None:
    """The pseudonym secret of the member with this Telegram id (None if not a member)."""
    sql = ("SELECT s.secret FROM member_secrets AS s JOIN members AS m ON m.id = s.member_id "
           "WHERE m.telegram_id = ?")
    if isinstance(target, Database):
        row = await target.fetch_one(sql, (telegram_id,))
    else:
        async with target.execute(sql, (telegram_id,)) as cursor:
            row = await cursor.fetchone()
    return bytes(row[0]) if row is not None else None


async def rename_subject(connection: aiosqlite.Connection, old: str, new: str) -> None:
    """Move events from one pseudonym to another (inside the caller's transaction)."""
    await connection.execute("UPDATE engagement SET subject = ? WHERE subject = ?", (new, old))


async def events(db: Database, kind: str | None = None) -> list[EngagementEvent]:
    """Events, optionally of one kind, oldest first."""
    where, params = ("WHERE kind = ?", (kind,)) if kind else ("", ())
    rows = await db.fetch_all(
        f"SELECT hour, kind, role, subject, pair_ref, value FROM engagement {where} ORDER BY id",
        params,
    )
    return [EngagementEvent(**dict(row)) for row in rows]
