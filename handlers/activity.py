"""Before everything else: note the day someone last used the bot (for data retention)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from telegram import Update
from telegram.ext import TypeHandler

from bot.programme.retention import note_seen
from bot.safety.degraded import write_or_log
from bot.services import BotContext

if TYPE_CHECKING:  # annotations only
    from handlers._common import Handlers, Wiring


async def note_last_seen(update: Update, context: BotContext) -> None:
    """A member wrote or pressed something in a private chat: they are active today."""
    chat, user = update.effective_chat, update.effective_user
    if chat is not None and chat.type == "private" and user is not None:
        # A full disk must not answer "not handled" before the crisis screen has run: the day
        # is noted again with their next update.
        await write_or_log("the day a member was active", note_seen(context.services, user.id))


def handlers(wiring: Wiring) -> Handlers:
    """Every update: note the day its sender was last active."""
    return [TypeHandler(Update, note_last_seen)]
