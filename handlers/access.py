"""Coordinator access: only in COORDINATOR_CHAT_ID, only for current members of that group.

Coordinator modules declare their commands with `coordinator_commands(...)` (handlers/_common.py)
and use callback data starting with "co:" (e.g. "co:approve:..."); the gate refuses both anywhere
else, answering exactly like an unknown command so nothing about the console is revealed.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from telegram import Update
from telegram.ext import ApplicationHandlerStop, TypeHandler

from bot.services import BotContext
from handlers._common import answer_unknown_command
from handlers._coordinators import is_coordinator, is_coordinator_button, is_coordinator_command

if TYPE_CHECKING:  # annotations only
    from handlers._common import Handlers, Wiring

log = logging.getLogger(__name__)


def forget_membership(context: BotContext, user_id: int) -> None:
    """Drop a cached answer (e.g. when Telegram tells us someone left the group)."""
    context.services.caches.coordinators.pop(user_id, None)


def track_membership(update: Update, context: BotContext) -> None:
    """Forget cached answers for people Telegram says joined, left or were removed."""
    chat = update.effective_chat
    if chat is None or chat.id != context.services.settings.coordinator_chat_id:
        return
    changed = update.chat_member
    if changed is not None:
        forget_membership(context, changed.new_chat_member.user.id)
    message = update.message
    if message is not None:
        if message.left_chat_member is not None:
            forget_membership(context, message.left_chat_member.id)
        for person in message.new_chat_members or ():
            forget_membership(context, person.id)


async def guard_coordinator_actions(update: Update, context: BotContext) -> None:
    """Gate: refuse coordinator commands and buttons from anyone but current coordinators."""
    track_membership(update, context)
    if not (is_coordinator_command(update) or is_coordinator_button(update)):
        return
    if await is_coordinator(update, context):
        return
    log.info("refused a coordinator action outside the group or from a non-member")
    services = context.services
    language = services.t.language_for(
        update.effective_user.language_code if update.effective_user else None
    )
    if update.callback_query is not None:
        await update.callback_query.answer(services.t(language, "common.invalid_button"))
    elif update.effective_chat is not None and update.effective_chat.type == "private":
        # Exactly the unknown-command answer (same handler, same language choice): nothing
        # tells a member that the command exists.
        await answer_unknown_command(update, context)
    raise ApplicationHandlerStop


def handlers(wiring: Wiring) -> Handlers:
    """Every update: coordinator commands and buttons pass only for current coordinators."""
    return [TypeHandler(Update, guard_coordinator_actions)]
