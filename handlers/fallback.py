"""Last handlers of group 0: what nothing else claimed gets a clear answer, never silence."""

from __future__ import annotations

from telegram import Update

from bot.services import BotContext
from handlers._common import current_member, language_of, reply


async def expired_button(update: Update, context: BotContext) -> None:
    """A signed button no flow is waiting for any more (an old message): say it expired."""
    query = update.callback_query
    assert query is not None
    language = language_of(update, context, await current_member(update, context))
    await query.answer(context.services.t(language, "common.expired_button"), show_alert=True)


async def unknown_command(update: Update, context: BotContext) -> None:
    """A command we do not have."""
    language = language_of(update, context, await current_member(update, context))
    await reply(update, context, context.services.t(language, "common.unknown_command"))


async def help_command(update: Update, context: BotContext) -> None:
    """The member's list of commands."""
    language = language_of(update, context, await current_member(update, context))
    await reply(update, context, context.services.t(language, "help.member"))


async def private_message(update: Update, context: BotContext) -> None:
    """Anything else in a private chat from someone who has not joined: point to /start."""
    member = await current_member(update, context)
    language = language_of(update, context, member)
    key = "help.member" if member else "common.not_a_member"
    await reply(update, context, context.services.t(language, key))
