"""Telegram says a member blocked or unblocked the bot (my_chat_member): mark and tell coordinators."""

from __future__ import annotations

from telegram import ChatMember, Update

from bot.clock import to_db
from bot.notify import notify_coordinators
from bot.services import BotContext
from storage import members


async def chat_member_changed(update: Update, context: BotContext) -> None:
    """Blocked ('kicked'): unreachable, nudges stop. Unblocked ('member'): reachable again."""
    change = update.my_chat_member
    if change is None or change.chat.type != "private":
        return
    services = context.services
    member = await members.get_by_telegram_id(services.db, change.chat.id)
    if member is None:  # nothing is stored about people who have not joined
        return
    status = change.new_chat_member.status
    if status in (ChatMember.BANNED, ChatMember.LEFT):
        unreachable = True
    elif status == ChatMember.MEMBER:
        unreachable = False
    else:
        return
    if member.unreachable == unreachable:
        return
    now = services.clock.now()
    await members.update_profile(services.db, member.id, now, unreachable=int(unreachable),
                                 next_checkin_at=None)
    state = "blocked" if unreachable else "unblocked"
    await notify_coordinators(
        services, key=f"reach:{member.code}:{state}:{to_db(now)}",
        text=services.t(services.settings.default_language, f"account.coordinators_{state}",
                        code=member.code),
    )
