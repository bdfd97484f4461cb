"""Coordinator access: only in COORDINATOR_CHAT_ID, only for current members of that group.

Coordinator modules declare their commands with `coordinator_commands(...)` and use callback data
starting with "co:" (e.g. "co:approve:..."); the gate refuses both anywhere else, answering exactly
like an unknown command so nothing about the console is revealed.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from telegram import ChatMemberUpdated, Update
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop, TypeHandler

from bot.services import BotContext
from handlers import fallback
from handlers._common import Handlers, Wiring

log = logging.getLogger(__name__)
# Membership answers are cached for at most 5 minutes (getChatMember on every command would be
# slow and rate-limited). Telegram also tells us when someone leaves or is removed (a `chat_member`
# update when the bot is an admin, a "left" service message otherwise); either drops the cached
# answer at once, so the 5-minute window only matters if both are lost. Identity lookups
# re-check without the cache.
MEMBERSHIP_TTL = timedelta(minutes=5)
ALLOWED_STATUSES = {"creator", "administrator", "member", "restricted"}
COORDINATOR_CALLBACK_PREFIX = "co:"
_COMMANDS: set[str] = set()


def coordinator_commands(*names: str) -> None:
    """Declare commands that only coordinators may use."""
    _COMMANDS.update(names)


def is_coordinator_command(update: Update) -> bool:
    """True if the update is a declared coordinator command (with or without @botname)."""
    message = update.effective_message
    if message is None or not message.text or not message.text.startswith("/"):
        return False
    name = message.text.split()[0][1:].split("@")[0].lower()
    return name in _COMMANDS


def is_coordinator_button(update: Update) -> bool:
    """True for a press of a coordinator-console button."""
    query = update.callback_query
    return query is not None and (query.data or "").startswith(COORDINATOR_CALLBACK_PREFIX)


async def is_coordinator(update: Update, context: BotContext, *, fresh: bool = False) -> bool:
    """In the coordinators' group, and (still) a member of it (`fresh`: skip the cache)."""
    services = context.services
    chat = update.effective_chat
    if _fallback_alert_press(update, context):
        return True
    if chat is None or chat.id != services.settings.coordinator_chat_id:
        return False
    message = update.effective_message
    # Anonymous group admins post as the group itself: Telegram only lets admins of this very
    # group do that, so a message "from" the group is a coordinator by construction.
    if message is not None and message.sender_chat is not None:
        return message.sender_chat.id == chat.id
    user = update.effective_user
    if user is None:
        return False
    cache = services.caches.coordinators
    cached = cache.get(user.id)
    now = services.clock.now()
    if cached and not fresh and timedelta(0) <= now - cached[0] < MEMBERSHIP_TTL:
        return cached[1]
    try:
        member = await context.bot.get_chat_member(chat.id, user.id)
        # "restricted" covers people who left while restricted too: only is_member says they are in.
        allowed = member.status in ALLOWED_STATUSES and (
            member.status != "restricted" or bool(getattr(member, "is_member", False))
        )
    except TelegramError:
        log.warning("could not check coordinator membership; refusing")
        return False
    cache[user.id] = (now, allowed)
    return allowed


def _fallback_alert_press(update: Update, context: BotContext) -> bool:
    """A fallback coordinator (COORDINATOR_FALLBACK_IDS) pressing an alert's button on the copy
    they got in private while the group could not be reached."""
    query, chat, user = update.callback_query, update.effective_chat, update.effective_user
    return (query is not None and chat is not None and chat.type == "private"
            and user is not None and user.id in context.services.settings.fallback_ids
            and (query.data or "").startswith(f"{COORDINATOR_CALLBACK_PREFIX}esc:"))


def forget_membership(context: BotContext, user_id: int) -> None:
    """Drop a cached answer (e.g. when Telegram tells us someone left the group)."""
    context.services.caches.coordinators.pop(user_id, None)


def track_membership(update: Update, context: BotContext) -> None:
    """Forget cached answers for people Telegram says joined, left or were removed."""
    chat = update.effective_chat
    if chat is None or chat.id != context.services.settings.coordinator_chat_id:
        return
    changed: ChatMemberUpdated | None = update.chat_member
    if changed is not None:
        forget_membership(context, changed.new_chat_member.user.id)
    message = update.message
    if message is not None:
        if message.left_chat_member is not None:
            forget_membership(context, message.left_chat_member.id)
        for person in message.new_chat_members or ():
            forget_membership(context, person.id)


async def guard_coordinator_actions(update: Update, context: BotContext) -> None:
    """Gate: refuse coordinator commands and buttons from anyone but current coordinators."""
    track_membership(update, context)
    if not (is_coordinator_command(update) or is_coordinator_button(update)):
        return
    if await is_coordinator(update, context):
        return
    log.info("refused a coordinator action outside the group or from a non-member")
    services = context.services
    language = services.t.language_for(
        update.effective_user.language_code if update.effective_user else None
    )
    if update.callback_query is not None:
        await update.callback_query.answer(services.t(language, "common.invalid_button"))
    elif update.effective_chat is not None and update.effective_chat.type == "private":
        # Exactly the unknown-command answer (same handler, same language choice): nothing
        # tells a member that the command exists.
        await fallback.unknown_command(update, context)
    raise ApplicationHandlerStop


def handlers(wiring: Wiring) -> Handlers:
    """Every update: coordinator commands and buttons pass only for current coordinators."""
    return [TypeHandler(Update, guard_coordinator_actions)]
