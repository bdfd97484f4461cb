"""What the sender tells coordinators when delivery itself fails (a member blocked the bot)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.core.clock import to_db
from bot.delivery.lanes import Lane
from bot.delivery.notify import notify_coordinators
from storage import members, reminders
from storage.outbox import OutboxItem

if TYPE_CHECKING:
    from bot.services import Services


async def member_blocked(services: Services, item: OutboxItem, reason: str) -> None:
    """Failure hook: a member who blocked the bot (a 403) is unreachable from now on."""
    if reason.startswith("forbidden:") and item.member_id is not None:
        await member_unreachable(services, item.member_id)


async def member_unreachable(services: Services, member_id: int) -> None:
    """Mark the member unreachable (after a 403) and tell the coordinators, once."""
    now = services.clock.now()
    if not await reminders.mark_unreachable(services.db, member_id, now):
        return
    member = await members.get_by_id(services.db, member_id)
    if member is None:
        return
    language = services.settings.default_language
    await notify_coordinators(
        services,
        key=f"unreachable:{member.code}:{to_db(now)}",
        kind="unreachable",
        text=services.t(
            language,
            "delivery.unreachable",
            code=member.code,
            alias=member.alias or "-",
            role=member.role or "-",
        ),
        lane=Lane.SCHEDULED,
    )
