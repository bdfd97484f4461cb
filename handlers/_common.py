"""Small helpers every handler uses: who is this, which language, how to reply."""

from __future__ import annotations

from collections.abc import Awaitable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, NetworkError, RetryAfter
from telegram.ext import BaseHandler, filters

from bot.handover import hand_over
from bot.lanes import Lane, lane_args
from bot.outbox_hooks import message_payload
from bot.services import BotContext, Services
from storage import members
from storage.members import Member

Button = tuple[str, str]  # (label, signed callback data)
GATE, SAFETY, FLOWS = -3, -1, 0  # handler groups: gates, the safety screen, the flows
Sent = TypeVar("Sent")
Handlers = list[BaseHandler[Update, BotContext, Any]]  # what every module's handlers() returns


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
    request to the outbox (bot/handover.py) and return None instead of raising, so the handler
    carries on (its state changes stand) and the reply arrives late rather than never."""
    try:
        return await sending
    except (NetworkError, RetryAfter) as exc:
        if isinstance(exc, BadRequest):  # Telegram refused the request itself: never retried
            raise
        await hand_over(context.services, chat_id=chat_id, method=method, payload=payload,
                        origin=origin, lane=lane)
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
    return await sent_or_handed_over(context, sending, origin=f"update {update.update_id}",
                                     chat_id=chat.id, method="sendMessage",
                                     payload=message_payload(text, buttons), lane=lane)


async def answer_expired(query: CallbackQuery, context: BotContext, language: str) -> None:
    """Tell the presser this button no longer does anything (an old or already used message)."""
    await query.answer(context.services.t(language, "common.expired_button"), show_alert=True)
