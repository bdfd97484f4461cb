"""A mentor's training done (awaiting approval, coordinators told), and approving a trained
mentor: status, audit, anonymised event and the mentor's message commit together (no Telegram
objects here)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.core.clock import to_db
from bot.delivery.lanes import Lane
from bot.delivery.notify import notify_coordinators
from bot.delivery.outbox_hooks import message_payload, queue
from storage import approvals, audit, engagement, members
from storage.members import Member

if TYPE_CHECKING:
    from bot.services import Services


async def training_finished(services: Services, member: Member) -> Member:
    """Every module passed: the mentor awaits a coordinator's approval, and coordinators are told."""
    now = services.clock.now()
    member = await members.update_profile(
        services.db, member.id, now, status="awaiting_approval", trained_at=to_db(now)
    )
    await engagement.record(
        services.db,
        services.pseudonym_key,
        kind="trained",
        now=now,
        telegram_id=member.telegram_id,
        role="mentor",
    )
    await notify_coordinators(
        services,
        key=f"trained:{member.code}",
        text=services.t(
            services.settings.default_language, "training.coordinators_finished", code=member.code
        ),
    )
    return member


async def approve(services: Services, member: Member, *, actor_id: int, actor_name: str) -> bool:
    """Make the mentor matchable; False if someone else approved them first."""
    now, t = services.clock.now(), services.t
    async with services.db.transaction() as connection:
        if not await approvals.mark_approved(connection, member.id, now):
            return False
        await audit.record(
            connection,
            actor_id=actor_id,
            actor_name=actor_name,
            action="approve",
            now=now,
            subject=member.code,
        )
        await engagement.record(
            connection,
            services.pseudonym_key,
            kind="approved",
            now=now,
            telegram_id=member.telegram_id,
            role="mentor",
        )
        await queue(
            services,
            key=f"approved:{member.code}",
            chat_id=member.telegram_id,
            member_id=member.id,
            lane=Lane.INTERACTIVE,
            kind="approved",
            payload=message_payload(t(member.language, "approve.to_mentor")),
            now=now,
            connection=connection,
        )
    return True
