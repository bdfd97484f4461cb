"""A member's own account choices: pausing nudges, resuming them, and a mentor stepping back
from new mentees. Each stores the change and counts it (anonymised) for the evaluation."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from bot.core.clock import to_db
from bot.core.schedule import INDEFINITE
from bot.delivery.notify import notify_coordinators
from storage import engagement, members
from storage.members import Member

if TYPE_CHECKING:
    from bot.services import Services


async def pause(services: Services, member: Member, length: timedelta | None) -> Member:
    """Stop every nudge for `length` (None: until they resume); crisis help never stops."""
    now = services.clock.now()
    until = INDEFINITE if length is None else to_db(now + length)
    member = await members.update_profile(services.db, member.id, now, paused_until=until)
    await engagement.record(
        services.db,
        services.pseudonym_key,
        kind="paused",
        now=now,
        telegram_id=member.telegram_id,
        role=member.role,
        value=length.days if length else None,
    )
    return member


async def resume(services: Services, member: Member) -> Member:
    """Nudges start again; the next check-in is worked out afresh by the scheduler."""
    now = services.clock.now()
    member = await members.update_profile(
        services.db, member.id, now, paused_until=None, next_checkin_at=None
    )
    await engagement.record(
        services.db,
        services.pseudonym_key,
        kind="resumed",
        now=now,
        telegram_id=member.telegram_id,
        role=member.role,
    )
    return member


async def step_back(services: Services, member: Member, wanted: bool) -> Member:
    """A mentor takes no new mentees (`wanted`) or takes them again; coordinators are told.
    Current pairs go on either way."""
    now = services.clock.now()
    member = await members.update_profile(services.db, member.id, now, stepped_back=int(wanted))
    await engagement.record(
        services.db,
        services.pseudonym_key,
        kind="stepped_back",
        now=now,
        telegram_id=member.telegram_id,
        role="mentor",
        value=int(wanted),
    )
    direction = "out" if wanted else "in"
    await notify_coordinators(
        services,
        key=f"stepback:{member.code}:{direction}:{to_db(now)}",
        text=services.t(
            services.settings.default_language,
            f"account.coordinators_stepback_{direction}",
            code=member.code,
        ),
    )
    return member
