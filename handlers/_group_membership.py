"""The bot's own membership of groups (my_chat_member): added to a group, it posts the line to
paste into the settings; removed from, or muted in, the coordinators' group, it says so loudly
(bot/safety/alert_health.py) and alerts go to the fallback coordinators until it is back."""

from __future__ import annotations

import logging

from telegram import ChatMember, ChatMemberRestricted, Update

from bot.safety import alert_health, escalation_lifecycle
from bot.services import BotContext
from handlers._common import reply

log = logging.getLogger(__name__)
GONE = (ChatMember.LEFT, ChatMember.BANNED)


def _can_post(member: ChatMember) -> bool:
    """Can the bot send messages with this membership?"""
    if member.status in GONE:
        return False
    if isinstance(member, ChatMemberRestricted):
        return bool(member.is_member and member.can_send_messages)
    return True


async def bot_membership_changed(update: Update, context: BotContext) -> None:
    """Added to a group: show its id. The coordinators' group: track whether alerts can land."""
    change = update.my_chat_member
    assert change is not None
    services = context.services
    chat_id = change.chat.id
    was, now = _can_post(change.old_chat_member), _can_post(change.new_chat_member)
    if chat_id != services.settings.coordinator_chat_id:
        if now and not was:  # just added: tell whoever set it up how to make it the group
            log.info("added to group %s", chat_id)
            await reply(
                update,
                context,
                services.t(
                    services.settings.default_language, "escalation.added_to_group", chat_id=chat_id
                ),
            )
        return
    if not now:
        removed = change.new_chat_member.status in GONE
        await alert_health.group_unreachable(services, "removed" if removed else "restricted")
    elif change.new_chat_member.status == ChatMember.MEMBER and (
        change.old_chat_member.status == ChatMember.ADMINISTRATOR
    ):
        log.error(
            "the bot is no longer an administrator of the coordinators' group %s: alerts "
            "still arrive, but forum topics and member checks may fail",
            chat_id,
        )
    elif not was:
        await escalation_lifecycle.group_reachable_again(services)
