"""The coordinators' pieces: who may use the console (cached membership), and replies there."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import timedelta

from telegram import Message, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError

from bot.delivery.lanes import Lane, lane_args
from bot.programme.pairing import Actor
from bot.services import BotContext
from handlers._common import Button, command_name, keyboard

log = logging.getLogger(__name__)

# Access (the gate is handlers/access.py) and console replies.
# Membership answers are cached for at most 5 minutes (getChatMember on every command would be
# slow and rate-limited). A `chat_member` update or a "left" service message drops the cached
# answer at once, so the window only matters if both are lost. Identity lookups skip the cache.
MEMBERSHIP_TTL = timedelta(minutes=5)
ALLOWED_STATUSES = {"creator", "administrator", "member", "restricted"}
COORDINATOR_CALLBACK_PREFIX = "co:"
COORDINATOR_ONLY: set[str] = set()  # commands declared with coordinator_commands(...)


def coordinator_commands(*names: str) -> None:
    """Declare commands that only coordinators may use (refused anywhere else, like unknown)."""
    COORDINATOR_ONLY.update(names)


def is_coordinator_command(update: Update) -> bool:
    """True if the update is a declared coordinator command (with or without @botname)."""
    message = update.effective_message
    if message is None or not message.text or not message.text.startswith("/"):
        return False
    return command_name(message.text) in COORDINATOR_ONLY


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
    return (
        query is not None
        and chat is not None
        and chat.type == "private"
        and user is not None
        and user.id in context.services.settings.fallback_ids
        and (query.data or "").startswith(f"{COORDINATOR_CALLBACK_PREFIX}esc:")
    )


def actor(update: Update) -> tuple[int, str]:
    """Who acted, for the audit log (an anonymous admin is recorded as such)."""
    message = update.effective_message
    if message is not None and message.sender_chat is not None:
        return message.sender_chat.id, "anonymous admin"
    user = update.effective_user
    assert user is not None
    return user.id, user.full_name


def thread_of(update: Update) -> int | None:
    """Answer in the forum topic the command came from, if any."""
    message = update.effective_message
    return message.message_thread_id if message is not None and message.is_topic_message else None


async def say(
    update: Update,
    context: BotContext,
    text: str,
    buttons: Sequence[Sequence[Button]] | None = None,
) -> Message:
    """Send HTML text to the coordinators' chat (in the same topic)."""
    chat = update.effective_chat
    assert chat is not None
    return await context.bot.send_message(
        chat_id=chat.id,
        text=text,
        parse_mode=ParseMode.HTML,
        reply_markup=keyboard(buttons) if buttons else None,
        message_thread_id=thread_of(update),
        rate_limit_args=lane_args(Lane.INTERACTIVE),
    )


def coordinator_language(context: BotContext) -> str:
    """The coordinators' group reads DEFAULT_LANGUAGE."""
    return context.services.settings.default_language


def actor_of(update: Update) -> Actor:
    """Who pressed or typed (a Telegram user id and first name, for pairing notes and audit)."""
    user = update.effective_user
    return Actor(user.id if user else 0, user.first_name if user else "?")
