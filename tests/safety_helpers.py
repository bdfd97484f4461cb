"""Helpers for the safety flow tests: members who joined, and an active mentoring pair."""

from __future__ import annotations

from bot.core.clock import to_db
from bot.sandbox.client import SandboxUser
from bot.sandbox.harness import Sandbox
from storage import members, pairs
from storage.members import Member
from storage.pairs import Pair


async def joined(
    sandbox: Sandbox,
    user: SandboxUser,
    *,
    role: str = "mentee",
    alias: str | None = None,
    country: str = "US",
    language: str = "en",
) -> Member:
    """Consent through the bot, then fill the profile as intake would."""
    consent = (await user.send("/start"))[1]
    await user.click(consent, "I agree" if language == "en" else "Acepto")
    member = await members.get_by_telegram_id(sandbox.db, user.id)
    assert member is not None
    assert sandbox.services is not None
    now = sandbox.services.clock.now()
    member = await members.update_profile(
        sandbox.db,
        member.id,
        now,
        role=role,
        alias=alias or user.name,
        country=country,
        language=language,
        status="active",
        intake_step=None,
        intake_done_at=to_db(now),
    )
    await user.send(
        "/start"
    )  # intake is finished: this closes the onboarding flow ("welcome back")
    return member


async def active_pair(sandbox: Sandbox, mentee: Member, mentor: Member) -> Pair:
    """An accepted, running pair."""
    assert sandbox.services is not None
    pair = await pairs.create(
        sandbox.db,
        mentee_id=mentee.id,
        mentor_id=mentor.id,
        approved_by=None,
        now=sandbox.services.clock.now(),
    )
    await sandbox.db.execute("UPDATE pairs SET status = 'active' WHERE id = ?", (pair.id,))
    fresh = await pairs.get(sandbox.db, pair.id)
    assert fresh is not None
    return fresh


async def escalation_rows(sandbox: Sandbox) -> list[dict[str, object]]:
    """Every escalation as a dict, oldest first."""
    rows = await sandbox.db.fetch_all(
        "SELECT id, member_code, severity, source, status, detections, claimed_by_name, "
        "outcome, realerts, alert_message_id FROM escalations ORDER BY id"
    )
    return [dict(row) for row in rows]


async def engagement_values(sandbox: Sandbox, kind: str) -> list[float | None]:
    """The values of every engagement event of one kind."""
    rows = await sandbox.db.fetch_all(
        "SELECT value FROM engagement WHERE kind = ? ORDER BY id", (kind,)
    )
    return [row["value"] for row in rows]
