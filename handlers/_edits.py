"""Editing the message a button was pressed on, safely.

Two devices pressing the same button make the same edit, and Telegram refuses the second as
"message is not modified": not an error. Nor is an edit Telegram keeps failing (timeouts, 5xx)
after the limiter's retries: the buttons are cosmetic, the flow goes on, and a press on buttons
left showing is answered as an expired button. An edit that carries content (`edit_pressed`) is
handed to the outbox instead when Telegram keeps failing.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from telegram import CallbackQuery, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, NetworkError, RetryAfter

from bot.delivery.lanes import Lane, lane_args
from bot.delivery.outbox_hooks import message_payload
from bot.services import BotContext
from handlers._common import (
    Button,
    current_member,
    keyboard,
    language_of,
    reply,
    sent_or_handed_over,
)

log = logging.getLogger(__name__)


async def _edit_buttons(query: CallbackQuery, markup: InlineKeyboardMarkup | None) -> None:
    try:
        await query.edit_message_reply_markup(reply_markup=markup)
    except BadRequest as exc:
        if "not modified" not in exc.message.lower():
            raise
    except (NetworkError, RetryAfter) as exc:
        log.warning("buttons of a pressed message not redrawn: %s", type(exc).__name__)


async def remove_buttons(query: CallbackQuery) -> None:
    """Take the buttons off the pressed message (already gone: fine)."""
    await _edit_buttons(query, None)


async def set_buttons(query: CallbackQuery, buttons: Sequence[Sequence[Button]]) -> None:
    """Redraw the pressed message's buttons (e.g. ticks of a multiple choice)."""
    await _edit_buttons(query, keyboard(buttons))


async def edit_pressed(
    context: BotContext,
    query: CallbackQuery,
    text: str,
    rows: Sequence[Sequence[Button]] | None,
    lane: Lane = Lane.INTERACTIVE,
) -> None:
    """Replace the pressed message's HTML text and buttons (no buttons: keyboard removed).

    A second press that would show the same thing is not an error ("message is not modified").
    """
    message = query.message
    assert message is not None
    markup = keyboard(rows) if rows else None
    sending = context.bot.edit_message_text(
        text,
        chat_id=message.chat.id,
        message_id=message.message_id,
        parse_mode=ParseMode.HTML,
        reply_markup=markup,
        rate_limit_args=lane_args(lane),
    )
    payload = message_payload(text, rows, message_id=message.message_id)
    try:
        await sent_or_handed_over(
            context,
            sending,
            origin=f"button {query.id}",
            chat_id=message.chat.id,
            method="editMessageText",
            payload=payload,
            lane=lane,
        )
    except BadRequest as exc:
        if "not modified" not in exc.message:
            raise


async def settle_button(update: Update, context: BotContext, text_key: str) -> None:
    """Answer a button press, remove the buttons from its message, and reply with one text."""
    query = update.callback_query
    assert query is not None
    member = await current_member(update, context)
    await query.answer()
    await remove_buttons(query)
    await reply(update, context, context.services.t(language_of(update, context, member), text_key))


async def drop_buttons(query: CallbackQuery) -> None:
    """Remove the pressed message's buttons, once (Telegram refuses an edit that changes nothing)."""
    if query.message is not None and getattr(query.message, "reply_markup", None):
        await remove_buttons(query)
