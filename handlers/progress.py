"""/progress: a member's own check-in trend and scores (mentees) or pulse (mentors)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from telegram import InputFile, Update
from telegram.ext import CommandHandler, filters

from bot.delivery.lanes import Lane, lane_args
from bot.programme.progress import progress_for
from bot.services import BotContext
from handlers._common import current_member, language_of, reply

if TYPE_CHECKING:  # annotations only
    from handlers._common import Handlers, Wiring


async def progress_command(update: Update, context: BotContext) -> None:
    """/progress: the member's own chart and a plain reading; nothing about anyone else."""
    services = context.services
    member = await current_member(update, context)
    if member is None or member.role not in ("mentee", "mentor"):
        await reply(
            update,
            context,
            services.t(language_of(update, context, member), "progress.not_for_you"),
        )
        return
    text, chart = await progress_for(services, member)
    chat = update.effective_chat
    assert chat is not None
    if chart is not None:
        await context.bot.send_photo(
            chat_id=chat.id,
            photo=InputFile(chart, filename="progress.png"),
            rate_limit_args=lane_args(Lane.INTERACTIVE),
        )
    await reply(update, context, text)


def handlers(wiring: Wiring) -> Handlers:
    """/progress (private chats)."""
    return [CommandHandler("progress", progress_command, filters.ChatType.PRIVATE)]
