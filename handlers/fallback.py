"""Last handlers of group 0: what nothing else claimed gets a clear answer, never silence."""

from __future__ import annotations

from telegram import Update

from bot.services import BotContext
from handlers._common import answer_expired, current_member, language_of, reply
from handlers.screening import detected_risk
from handlers.support import help_now_row


async def expired_button(update: Update, context: BotContext) -> None:
    """A signed button no flow is waiting for any more (an old message): say it expired."""
    query = update.callback_query
    assert query is not None
    language = language_of(update, context, await current_member(update, context))
    await answer_expired(query, context, language)


async def unknown_command(update: Update, context: BotContext) -> None:
    """A command we do not have."""
    language = language_of(update, context, await current_member(update, context))
    await reply(update, context, context.services.t(language, "common.unknown_command"))


async def help_command(update: Update, context: BotContext) -> None:
    """The member's list of commands (each feature contributes its `<area>.help_line` texts)."""
    language = language_of(update, context, await current_member(update, context))
    private = update.effective_chat is not None and update.effective_chat.type == "private"
    buttons = [help_now_row(context, language)] if private else None
    await reply(update, context, member_help(context, language), buttons)


def member_help(context: BotContext, language: str) -> str:
    """Help text: the intro, then every feature's help lines in key order."""
    t = context.services.t
    keys = sorted(key for key in context.services.content.locales["en"] if key.endswith(".help_line"))
    lines = [t(language, "help.member")] + [t(language, key) for key in keys]
    return "\n".join([*lines, "", t(language, "help.not_emergency")])


async def private_message(update: Update, context: BotContext) -> None:
    """Anything else in a private chat from someone who has not joined: point to /start."""
    if detected_risk(update, context) is not None:
        return  # the safety screen has just answered with the crisis message; a menu would jar
    member = await current_member(update, context)
    language = language_of(update, context, member)
    if member is None:
        await reply(update, context, context.services.t(language, "common.not_a_member"))
    else:
        await reply(
            update, context, member_help(context, language), [help_now_row(context, language)]
        )
