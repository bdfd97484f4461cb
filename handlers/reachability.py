"""Group -1: a member blocks or unblocks the bot. Kept current for crisis alerts, so
coordinators working an open alert see at once that the bot can no longer reach the person."""

from __future__ import annotations

from telegram import Update

from bot.escalation import edit_alert
from bot.services import BotContext
from handlers._common import current_member
from storage import escalations, members


async def bot_blocked_or_unblocked(update: Update, context: BotContext) -> None:
    """Record whether the member can be reached and redraw their open alert, if any."""
    change = update.my_chat_member
    if change is None or change.chat.type != "private":
        return
    member = await current_member(update, context)
    if member is None:
        return  # nothing is stored about people who have not joined
    blocked = change.new_chat_member.status in ("kicked", "left")
    if member.unreachable == blocked:
        return
    services = context.services
    member = await members.update_profile(
        services.db, member.id, services.clock.now(), unreachable=blocked
    )
    for escalation in await escalations.open_escalations(services.db):
        if escalation.member_id == member.id:
            await edit_alert(services, escalation, member)
