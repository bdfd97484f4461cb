"""The error handler: log the failure by update id only, and tell the person plainly."""

from __future__ import annotations

import logging
import sqlite3

from telegram import Update
from telegram.constants import ParseMode
from telegram.error import Forbidden, TelegramError

from bot.delivery.lanes import Lane, lane_args
from bot.services import BotContext
from handlers._common import detected_risk

log = logging.getLogger(__name__)


async def on_error(update: object, context: BotContext) -> None:
    """Log the exception (never the message text) and apologise to the user."""
    update_id = update.update_id if isinstance(update, Update) else None
    if isinstance(context.error, Forbidden):
        # They blocked the bot between writing and our answer: expected, not a defect, and
        # there is no one to tell.
        log.info("chat of update %s has blocked the bot; reply dropped", update_id)
        return
    if isinstance(context.error, sqlite3.Error):
        # Disk full or an unwritable file: an operator must act; the bot recovers by itself.
        log.critical(
            "database write failed while handling %s: %s",
            f"update {update_id}" if update_id is not None else "background work",
            context.error,
        )
    else:
        log.error("error while handling update %s", update_id, exc_info=context.error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    if detected_risk(update, context) is not None:
        # They were already sent crisis lines for this very message: "your last message was not
        # handled" would tell someone in crisis they were not heard.
        return
    try:
        language = context.services.t.language_for(
            update.effective_user.language_code if update.effective_user else None
        )
        await context.bot.send_message(
            chat_id=update.effective_chat.id,
            text=context.services.t(language, "common.error"),
            parse_mode=ParseMode.HTML,
            rate_limit_args=lane_args(Lane.INTERACTIVE),
        )
    except TelegramError:
        log.warning("could not tell chat of update %s about the error", update_id)
