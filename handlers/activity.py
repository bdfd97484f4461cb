"""Before everything else: note the day someone last used the bot (for data retention)."""

from __future__ import annotations

from telegram import Update

from bot.retention import note_seen
from bot.services import BotContext


async def note_last_seen(update: Update, context: BotContext) -> None:
    """A member wrote or pressed something in a private chat: they are active today."""
    chat, user = update.effective_chat, update.effective_user
    if chat is not None and chat.type == "private" and user is not None:
        await note_seen(context.services, user.id)
