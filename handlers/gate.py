"""The first gate: an update already handled (a batch sent again, an inbox replay) stops here."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import ApplicationHandlerStop, TypeHandler

from bot.services import BotContext
from handlers._common import Handlers, Wiring
from storage import updates

log = logging.getLogger(__name__)


async def drop_replayed_update(update: Update, context: BotContext) -> None:
    """Stop an update we already handled (a batch Telegram sends again, or an inbox replay)."""
    if await updates.already_processed(context.services.db, update.update_id):
        log.info("dropping replayed update %s", update.update_id)
        raise ApplicationHandlerStop


def handlers(wiring: Wiring) -> Handlers:
    """The replay check, for every update."""
    return [TypeHandler(Update, drop_replayed_update)]
