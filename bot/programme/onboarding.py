"""Joining: consent (the first moment anything about a person is stored) and the end of intake.
Each stores the change and counts it (anonymised) for the evaluation."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.core.clock import to_db
from bot.programme.intake import MENTEE_STEPS
from storage import engagement, members
from storage.members import Member

if TYPE_CHECKING:
    from bot.services import Services


async def consent(services: Services, telegram_id: int, language: str) -> Member:
    """Store the member who agreed (an existing one is returned as it is)."""
    return await members.create_on_consent(
        services.db,
        telegram_id=telegram_id,
        language=language,
        country=services.settings.default_country,
        timezone=services.settings.default_timezone,
        now=services.clock.now(),
    )


async def start_intake(services: Services, member: Member) -> Member:
    """A first consent: count it, and set the member on the first intake step."""
    await engagement.record(
        services.db,
        services.pseudonym_key,
        kind="consented",
        now=services.clock.now(),
        telegram_id=member.telegram_id,
    )
    return await members.update_profile(
        services.db, member.id, services.clock.now(), intake_step=MENTEE_STEPS[0]
    )


async def finish_intake(services: Services, member: Member) -> Member:
    """Intake done: mentees become matchable ("waiting"), mentors go on to training."""
    now = services.clock.now()
    status = "training" if member.role == "mentor" else "waiting"
    member = await members.update_profile(
        services.db, member.id, now, intake_step=None, intake_done_at=to_db(now), status=status
    )
    await engagement.record(
        services.db,
        services.pseudonym_key,
        kind="intake_done",
        now=now,
        telegram_id=member.telegram_id,
        role=member.role,
    )
    return member
