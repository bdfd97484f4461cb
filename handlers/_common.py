"""Helpers shared by handler modules (which never import one another): who is this, which
language, how to reply; the coordinators' access checks and console replies; the safety screen's
result for this update; the help texts and the [I need help now] row."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, TypeVar

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, NetworkError, RetryAfter, TelegramError
from telegram.ext import BaseHandler, filters

from bot.delivery.handover import hand_over
from bot.delivery.lanes import Lane, lane_args
from bot.delivery.outbox_hooks import message_payload
from bot.programme import help_menu
from bot.programme.pairing import Actor
from bot.screen.risk import RiskResult
from bot.services import BotContext, Services
from storage import members
from storage.members import Member

log = logging.getLogger(__name__)
Button = tuple[str, str]  # (label, signed callback data)
GATE, SAFETY, FLOWS = -3, -1, 0  # handler groups: gates, the safety screen, the flows
Sent = TypeVar("Sent")
# Any handler of ours. The result type is Any: PTB's ConversationHandler wants handlers typed
# `object`, and each callback's own return type would not match it (the list type is invariant).
Handler = BaseHandler[Update, BotContext, Any]
Handlers = list[Handler]  # what every module's handlers() returns


@dataclass(frozen=True)
class Wiring:
    """What every handler module's `handlers(wiring)` may need; built once by `register`."""

    services: Services
    coordinators: filters.Chat  # the coordinators' group: the one filter every console handler uses

    @classmethod
    def for_services(cls, services: Services) -> Wiring:
        """The wiring for these services (the filter reads COORDINATOR_CHAT_ID once)."""
        return cls(services, filters.Chat(services.settings.coordinator_chat_id))


def keyboard(rows: Sequence[Sequence[Button]]) -> InlineKeyboardMarkup:
    """An inline keyboard from rows of (label, callback data)."""
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=data) for label, data in row] for row in rows]
    )


async def current_member(update: Update, context: BotContext) -> Member | None:
    """The member behind this update, if they have consented."""
    if update.effective_user is None:
        return None
    return await members.get_by_telegram_id(context.services.db, update.effective_user.id)


def language_of(update: Update, context: BotContext, member: Member | None = None) -> str:
    """Member's chosen language, else their Telegram app language, else the default."""
    if member is not None:
        return member.language
    code = update.effective_user.language_code if update.effective_user else None
    return context.services.t.language_for(code)


async def sent_or_handed_over(
    context: BotContext,
    sending: Awaitable[Sent],
    *,
    origin: str,
    chat_id: int,
    method: str,
    payload: dict[str, Any],
    lane: Lane = Lane.INTERACTIVE,
) -> Sent | None:
    """Await a direct send; if Telegram still fails after the limiter's retries, hand the same
    request to the outbox (bot/delivery/handover.py) and return None instead of raising, so the handler
    carries on (its state changes stand) and the reply arrives late rather than never."""
    try:
        return await sending
    except (NetworkError, RetryAfter) as exc:
        if isinstance(exc, BadRequest):  # Telegram refused the request itself: never retried
            raise
        await hand_over(
            context.services,
            chat_id=chat_id,
            method=method,
            payload=payload,
            origin=origin,
            lane=lane,
        )
        return None


async def reply(
    update: Update,
    context: BotContext,
    text: str,
    buttons: Sequence[Sequence[Button]] | None = None,
    lane: Lane = Lane.INTERACTIVE,
) -> Message | None:
    """Send HTML text (already escaped by the translator) to the update's chat; None if it had
    to be handed to the outbox (it will arrive, later)."""
    chat = update.effective_chat
    assert chat is not None
    sending = context.bot.send_message(
        chat_id=chat.id,
        text=text,
        parse_mode=ParseMode.HTML,
        reply_markup=keyboard(buttons) if buttons else None,
        link_preview_options=None,
        rate_limit_args=lane_args(lane),
    )
    return await sent_or_handed_over(
        context,
        sending,
        origin=f"update {update.update_id}",
        chat_id=chat.id,
        method="sendMessage",
        payload=message_payload(text, buttons),
        lane=lane,
    )


async def answer_expired(query: CallbackQuery, context: BotContext, language: str) -> None:
    """Tell the presser this button no longer does anything (an old or already used message)."""
    await query.answer(context.services.t(language, "common.expired_button"), show_alert=True)


def command_name(text: str) -> str:
    """The command a message starts with, lower case, without "/" or "@botname"."""
    return text.split()[0][1:].split("@")[0].lower()


async def answer_expired_press(update: Update, context: BotContext) -> None:
    """A signed button no flow is waiting for any more (an old message): say it expired."""
    assert update.callback_query is not None
    language = language_of(update, context, await current_member(update, context))
    await answer_expired(update.callback_query, context, language)


async def answer_unknown_command(update: Update, context: BotContext) -> None:
    """The answer to a command we do not have (also what a non-coordinator's console command gets)."""
    language = language_of(update, context, await current_member(update, context))
    await reply(update, context, context.services.t(language, "common.unknown_command"))


# --- The safety screen's result for this update (set by handlers/screening.py) ---------------

SCREEN_RESULT = "risk_of_update"  # chat_data: (update id, RiskResult) of the screen's last hit


def detected_risk(update: Update, context: BotContext) -> RiskResult | None:
    """The screen's result for this very update, if it found something."""
    stored = (context.chat_data or {}).get(SCREEN_RESULT)
    if stored and stored[0] == update.update_id:
        result: RiskResult = stored[1]  # chat_data holds Any: name the type here
        return result
    return None


# --- Help -------------------------------------------------------------------------------------


def help_now_row(context: BotContext, language: str) -> list[Button]:
    """The [🆘 I need help now] button for menus (opens the crisis path from anywhere)."""
    services = context.services
    return [(services.t(language, "common.menu_crisis"), services.signer.sign("crisis", "open"))]


def member_help(context: BotContext, language: str, role: str | None = None) -> str:
    """Help text for a role, plus the help lines of features not listed per command."""
    services = context.services
    return help_menu.member_help(services.t, services.content.locales["en"], language, role)


async def answer_stray_message(update: Update, context: BotContext) -> None:
    """A private message nothing waits for: /start for someone not in, else their help."""
    if detected_risk(update, context) is not None:
        return  # the safety screen has just answered with the crisis message; a menu would jar
    member = await current_member(update, context)
    language = language_of(update, context, member)
    if member is None:
        await reply(update, context, context.services.t(language, "common.not_a_member"))
    else:
        await reply(
            update,
            context,
            member_help(context, language, help_menu.help_role(member)),
            [help_now_row(context, language)],
        )


# --- Coordinators: access (the gate is handlers/access.py) and console replies ----------------
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
