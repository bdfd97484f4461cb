"""Editing the message a button was pressed on, in a delivery lane."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import CallbackQuery
from telegram.constants import ParseMode
from telegram.error import BadRequest

from bot.lanes import Lane, lane_args
from bot.outbox import message_payload
from bot.services import BotContext
from handlers._common import Button, keyboard, sent_or_handed_over


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
        await sent_or_handed_over(context, sending, origin=f"button {query.id}",
                                  chat_id=message.chat.id, method="editMessageText",
                                  payload=payload)
    except BadRequest as exc:
        if "not modified" not in exc.message:
            raise
