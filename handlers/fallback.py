"""Last handlers of group 0: what nothing else claimed gets a clear answer, never silence."""

from __future__ import annotations

from typing import TYPE_CHECKING

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.programme import help_menu, menus
from bot.services import BotContext
from handlers._common import (
    answer_expired_press,
    answer_stray_message,
    answer_unknown_command,
    current_member,
    help_now_row,
    language_of,
    member_help,
    reply,
)

if TYPE_CHECKING:  # annotations only
    from handlers._common import Handlers, Wiring


async def expired_button(update: Update, context: BotContext) -> None:
    """A signed button no flow is waiting for any more (an old message): say it expired."""
    await answer_expired_press(update, context)


async def unknown_command(update: Update, context: BotContext) -> None:
    """A command we do not have."""
    await answer_unknown_command(update, context)


async def help_command(update: Update, context: BotContext) -> None:
    """The member's commands for their role (mentee, mentor, or someone not yet in)."""
    member = await current_member(update, context)
    language = language_of(update, context, member)
    private = update.effective_chat is not None and update.effective_chat.type == "private"
    buttons = [help_now_row(context, language)] if private else None
    await reply(
        update, context, member_help(context, language, help_menu.help_role(member)), buttons
    )
    if private and member is not None:
        await menus.sync_member_menu(context.bot, context.services, member)


async def private_message(update: Update, context: BotContext) -> None:
    """Anything else in a private chat: /start for someone not in, else their help."""
    await answer_stray_message(update, context)


def handlers(wiring: Wiring) -> Handlers:
    """Last in line, so nothing goes unanswered: /help, old buttons, unknown commands, the rest."""
    return [
        CommandHandler("help", help_command),
        CallbackQueryHandler(expired_button),
        MessageHandler(filters.COMMAND & filters.ChatType.PRIVATE, unknown_command),
        MessageHandler(filters.ChatType.PRIVATE & ~filters.COMMAND, private_message),
    ]
