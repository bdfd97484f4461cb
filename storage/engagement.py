"""The anonymised engagement log: hour bucket, event kind, role, pseudonym, one number.

Never a Telegram id, name, username, alias or free text: `record` takes the id only to find the
member's random secret and turn that into a keyed pseudonym (someone who is not a member gets
none), and has no parameter that could carry text.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import aiosqlite

from storage.db import Database, read_one
from storage.pseudonym import member_subject, pair_ref
from storage.timecodec import to_db

# The event vocabulary: every kind the live bot writes, and what its one number means. Reports
# (dashboard, export, evaluation) read only these; docs/evaluation.md lists them for readers.
VOCABULARY: dict[str, str] = {
    "consented": "agreed to the terms (no value)",
    "intake_done": "finished the intake (no value)",
    "trained": "a mentor finished training (no value)",
    "approved": "a coordinator approved a mentor (no value)",
    "paired": "a pair was formed (pair_ref set; no value)",
    "accepted": "one side of a pair said yes (pair_ref set; no value)",
    "checkin_done": "a weekly check-in, once per member per week (value: mood 1-5)",
    "who5_score": "WHO-5 wellbeing (value: 0-100, higher is better)",
    "phq2_score": "PHQ-2 (value: 0-6, higher is worse)",
    "message_relayed": "one message copied to the partner (pair_ref set; no value)",
    "nudge_sent": "a nudge after a quiet week (no value)",
    "crisis_entered": "the crisis path was shown (value: how it was reached)",
    "escalation_raised": "a crisis alert to coordinators (value: severity 1 concern .. 4 urgent)",
    "escalation_claimed": "an alert was claimed (value: minutes since raised)",
    "escalation_resolved": "an alert was resolved (value: minutes since raised)",
    "escalation_realerted": "an unclaimed alert was posted again (value: how many times)",
    "crisis_answered": "the member answered 'are you safe' (value: 1 safe, 0 not)",
    "coping_opened": "/cope was opened (no value)",
    "referral_sent": "a mentor passed on a referral (no value)",
    "coping_helpful": "a strategy helped (value: content number of the strategy)",
    "coping_not_helpful": "a strategy did not help (value: content number of the strategy)",
    "paused": "the member paused (value: days, none = until they resume)",
    "resumed": "the member resumed (no value)",
    "stepped_back": "a mentor stepped back from new mentees (value: 1) or returned (value: 0)",
    "ended": "a pair ended, one row per side (value: END_REASONS code)",
    "forgot": "the member used /forget (no value)",
    "fit_check": "first-week fit check (value: 2 good, 1 unsure, 0 not a fit)",
    "exit_survey": "finished the exit survey (answers are in survey_answers)",
    "pulse_done": "a mentor's weekly pulse (value: how they are, 1-5)",
    "pulse_going": "a mentor's weekly pulse (value: how the mentoring is going, 1-5)",
    "report_raised": "a partner raised a concern with /report (no value)",
    "reachout_done": "a mentor answered a request for contact (no value)",
    "suspended": "a coordinator suspended the member (no value)",
    "unsuspended": "a coordinator lifted the member's suspension (no value)",
    "invite_used": "someone joined through an invite link (no value)",
    "retention_erased": "deleted by the retention sweep after the retention period (no value)",
}
KINDS = frozenset(VOCABULARY)


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
    sql = (
        "SELECT s.secret FROM member_secrets AS s JOIN members AS m ON m.id = s.member_id "
        "WHERE m.telegram_id = ?"
    )
    row = await read_one(target, sql, (telegram_id,))
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
