"""Group -1: a member blocks or unblocks the bot. Kept current for crisis alerts, so
coordinators working an open alert see at once that the bot can no longer reach the person;
the coordinators are also told the member's code, and the member's nudges stop (or restart).
The bot leaving or rejoining the coordinators' group is recorded for `bot.ops.health`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from telegram import Update
from telegram.ext import ChatMemberHandler

from bot.core.clock import to_db
from bot.delivery.notify import notify_coordinators
from bot.ops.health import record_coordinators_reachable
from bot.safety.escalation import edit_alert
from bot.services import BotContext
from handlers import _group_membership as group_membership
from handlers._common import current_member
from storage import escalations, members

if TYPE_CHECKING:  # annotations only
    from handlers._common import Handlers, Wiring


async def bot_blocked_or_unblocked(update: Update, context: BotContext) -> None:
    """Record whether the member can be reached, tell coordinators, redraw their open alert."""
    change = update.my_chat_member
    if change is None:
        return
    if change.chat.type != "private":  # the bot's own membership of a group
        if change.chat.id == context.services.settings.coordinator_chat_id:
            # Removed from (or added back to) the coordinators' group: `status` says so at once,
            # not only when the next alert fails.
            removed = change.new_chat_member.status in ("kicked", "left")
            await record_coordinators_reachable(
                context.services.db,
                not removed,
                context.services.clock.now(),
                "the bot was removed",
            )
        await group_membership.bot_membership_changed(update, context)
        return
    member = await current_member(update, context)
    if member is None:
        return  # nothing is stored about people who have not joined
    blocked = change.new_chat_member.status in ("kicked", "left")
    if member.unreachable == blocked:
        return
    services = context.services
    now = services.clock.now()
    # next_checkin_at is cleared so the scheduler works it out afresh (or not, while blocked).
    member = await members.update_profile(
        services.db, member.id, now, unreachable=blocked, next_checkin_at=None
    )
    for escalation in await escalations.open_escalations(services.db):
        if escalation.member_id == member.id:
            await edit_alert(services, escalation, member)
    state = "blocked" if blocked else "unblocked"
    await notify_coordinators(
        services,
        key=f"reach:{member.code}:{state}:{to_db(now)}",
        text=services.t(
            services.settings.default_language, f"account.coordinators_{state}", code=member.code
        ),
    )


def handlers(wiring: Wiring) -> Handlers:
    """A member blocked or unblocked the bot (open crisis alerts say so at once)."""
    return [ChatMemberHandler(bot_blocked_or_unblocked, ChatMemberHandler.MY_CHAT_MEMBER)]
