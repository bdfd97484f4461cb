"""Group -2: checks every update must pass before any feature handler sees it."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import ApplicationHandlerStop

from bot.services import BotContext
from storage import updates

log = logging.getLogger(__name__)


async def drop_replayed_update(update: Update, context: BotContext) -> None:
    """Stop an update we already handled (a batch Telegram sends again, or an inbox replay)."""
    if await updates.already_processed(context.services.db, update.update_id):
        log.info("dropping replayed update %s", update.update_id)
        raise ApplicationHandlerStop


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
