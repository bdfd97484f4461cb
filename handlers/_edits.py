"""Redrawing a pressed message's buttons safely.

Two devices pressing the same button make the same edit, and Telegram refuses the second as
"message is not modified": not an error. Nor is an edit Telegram keeps failing (timeouts, 5xx)
after the limiter's retries: the buttons are cosmetic, the flow goes on, and a press on buttons
left showing is answered as an expired button. (Edits that carry content use
`handlers._edit.edit_pressed`, which hands a failed edit to the outbox.)
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from telegram import CallbackQuery, InlineKeyboardMarkup
from telegram.error import BadRequest, NetworkError, RetryAfter

from handlers._common import Button, keyboard

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
