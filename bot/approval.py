"""Approving a trained mentor: status, audit, anonymised event and the mentor's message commit
together (no Telegram objects here)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.lanes import Lane
from bot.outbox_hooks import message_payload, queue
from storage import approvals, audit, engagement
from storage.members import Member

if TYPE_CHECKING:
    from bot.services import Services


async def approve(services: Services, member: Member, *, actor_id: int, actor_name: str) -> bool:
    """Make the mentor matchable; False if someone else approved them first."""
    now, t = services.clock.now(), services.t
    async with services.db.transaction() as connection:
        if not await approvals.mark_approved(connection, member.id, now):
            return False
        await audit.record(connection, actor_id=actor_id, actor_name=actor_name,
                           action="approve", now=now, subject=member.code)
        await engagement.record(connection, services.pseudonym_key, kind="approved", now=now,
                                telegram_id=member.telegram_id, role="mentor")
        await queue(
            services, key=f"approved:{member.code}", chat_id=member.telegram_id,
            member_id=member.id, lane=Lane.INTERACTIVE, kind="approved",
            payload=message_payload(t(member.language, "approve.to_mentor")),
            now=now,
            connection=connection,
        )
    return True
