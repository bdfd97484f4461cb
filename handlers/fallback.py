"""Last handlers of group 0: what nothing else claimed gets a clear answer, never silence."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot import help_menu, menus
from bot.services import BotContext
from handlers._common import Handlers, Wiring, answer_expired, current_member, language_of, reply
from handlers.screening import detected_risk
from handlers.support import help_now_row
from storage.members import Member


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
    """The member's commands for their role (mentee, mentor, or someone not yet in)."""
    member = await current_member(update, context)
    language = language_of(update, context, member)
    private = update.effective_chat is not None and update.effective_chat.type == "private"
    buttons = [help_now_row(context, language)] if private else None
    await reply(update, context, member_help(context, language, help_role(member)),
                buttons)
    if private and member is not None:
        await menus.sync_member_menu(context.bot, context.services, member)


def help_role(member: Member | None) -> str | None:
    """The role whose commands to show: none until intake is finished."""
    return None if member is None or member.status == "intake" else member.role


def member_help(context: BotContext, language: str, role: str | None = None) -> str:
    """Help text for a role, plus the help lines of features not listed per command."""
    locales = context.services.content.locales["en"]
    extra = sorted(key for key in locales if key.endswith(".help_line")
                   and key.split(".")[0] not in help_menu.COVERED_AREAS)
    return help_menu.help_text(context.services.t, language, role, extra)


async def private_message(update: Update, context: BotContext) -> None:
    """Anything else in a private chat from someone who has not joined: point to /start."""
    if detected_risk(update, context) is not None:
        return  # the safety screen has just answered with the crisis message; a menu would jar
    member = await current_member(update, context)
    language = language_of(update, context, member)
    if member is None:
        await reply(update, context, context.services.t(language, "common.not_a_member"))
    else:
        await reply(update, context, member_help(context, language, help_role(member)),
                    [help_now_row(context, language)])


def handlers(wiring: Wiring) -> Handlers:
    """Last in line, so nothing goes unanswered: /help, old buttons, unknown commands, the rest."""
    return [
        CommandHandler("help", help_command),
        CallbackQueryHandler(expired_button),
        MessageHandler(filters.COMMAND & filters.ChatType.PRIVATE, unknown_command),
        MessageHandler(filters.ChatType.PRIVATE & ~filters.COMMAND, private_message),
    ]
