"""The gate for buttons: a press whose data the bot never signed stops here."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import ApplicationHandlerStop, TypeHandler

from bot.services import BotContext
from handlers._common import Handlers, Wiring

log = logging.getLogger(__name__)


async def refuse_forged_button(update: Update, context: BotContext) -> None:
    """Refuse a button press whose data the bot never signed (forged or from an old key)."""
    query = update.callback_query
    if query is None:
        return
    if context.services.signer.verify(query.data) is None:
        # Log that it happened, never what it said.
        log.warning("refused unsigned callback in update %s", update.update_id)
        language = context.services.t.language_for(
            query.from_user.language_code if query.from_user else None
        )
        await query.answer(context.services.t(language, "common.invalid_button"), show_alert=False)
        raise ApplicationHandlerStop


def handlers(wiring: Wiring) -> Handlers:
    """The signature check, for every update (only button presses are looked at)."""
    return [TypeHandler(Update, refuse_forged_button)]
