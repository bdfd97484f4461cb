"""Editing a pressed message safely: two devices pressing the same button make the same edit,
and Telegram refuses the second as "message is not modified"; that is not an error."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import CallbackQuery
from telegram.constants import ParseMode
from telegram.error import BadRequest

from handlers._common import Button, keyboard


def _unchanged(exc: BadRequest) -> bool:
    """Telegram's answer to an edit that changes nothing."""
    return "not modified" in exc.message.lower()


async def remove_buttons(query: CallbackQuery) -> None:
    """Take the buttons off the pressed message (already gone: fine)."""
    try:
        await query.edit_message_reply_markup(reply_markup=None)
    except BadRequest as exc:
        if not _unchanged(exc):
            raise


async def set_buttons(query: CallbackQuery, buttons: Sequence[Sequence[Button]]) -> None:
    """Redraw the pressed message's buttons (e.g. ticks of a multiple choice)."""
    try:
        await query.edit_message_reply_markup(reply_markup=keyboard(buttons))
    except BadRequest as exc:
        if not _unchanged(exc):
            raise


async def replace(query: CallbackQuery, text: str, buttons: Sequence[Sequence[Button]]) -> None:
    """Replace the pressed message's text (HTML) and buttons."""
    try:
        await query.edit_message_text(text, parse_mode=ParseMode.HTML,
                                      reply_markup=keyboard(buttons) if buttons else None)
    except BadRequest as exc:
        if not _unchanged(exc):
            raise
