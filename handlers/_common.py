"""Helpers every handler module may share: who is writing, their language, replies, help."""

from __future__ import annotations

from collections.abc import Awaitable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, NetworkError, RetryAfter
from telegram.ext import BaseHandler, filters

from bot.delivery.handover import hand_over
from bot.delivery.lanes import Lane, lane_args
from bot.delivery.outbox_hooks import message_payload
from bot.programme import help_menu
from bot.screen.risk import RiskResult
from bot.services import BotContext, Services
from storage import members
from storage.members import Member

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
