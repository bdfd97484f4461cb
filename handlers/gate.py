"""Checks every update must pass before any feature handler sees it: not a replay, not from a
suspended member (who keeps the help paths and their data), not a forged button."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from telegram import Update
from telegram.ext import ApplicationHandlerStop, TypeHandler

from bot.programme.suspension import suspended_ids
from bot.services import BotContext
from handlers._common import reply
from storage import members, updates

if TYPE_CHECKING:  # annotations only
    from handlers._common import Handlers, Wiring

log = logging.getLogger(__name__)


async def drop_replayed_update(update: Update, context: BotContext) -> None:
    """Stop an update we already handled (a batch Telegram sends again, or an inbox replay)."""
    if await updates.already_processed(context.services.db, update.update_id):
        log.info("dropping replayed update %s", update.update_id)
        raise ApplicationHandlerStop


# What a suspended member can still do: get help now (crisis lines, coping ideas, support
# services, their safety plan), and see or erase their data. New safety features belong here.
OPEN_COMMANDS = frozenset({"crisis", "sos", "cope", "resources", "safetyplan", "mydata", "forget"})
OPEN_BUTTONS = ("crisis:", "cope:", "res:", "plan:", "fg:")


def _command_name(text: str) -> str:
    return text.split()[0][1:].split("@")[0].lower()


async def hold_suspended(update: Update, context: BotContext) -> None:
    """A suspended member's command or button: a kind note, unless it is one they keep."""
    chat, user = update.effective_chat, update.effective_user
    if chat is None or chat.type != "private" or user is None:
        return
    suspended = await suspended_ids(context.services)
    if user.id not in suspended:
        return
    member = await members.get_by_telegram_id(context.services.db, user.id)
    if member is None or member.suspended_at is None:  # erased (/forget) since: not any more
        suspended.discard(user.id)
        return
    query, message = update.callback_query, update.effective_message
    if query is not None:
        if (query.data or "").startswith(OPEN_BUTTONS):
            return
    elif message is None or not (message.text or "").startswith("/"):
        return  # free text reaches the safety screen; the relay then says it is on hold
    elif _command_name(message.text or "/") in OPEN_COMMANDS:
        return
    note = context.services.t(member.language, "suspend.on_hold")
    if query is not None:
        await query.answer(note[:200], show_alert=True)
    else:
        await reply(update, context, note)
    raise ApplicationHandlerStop


async def refuse_forged_button(update: Update, context: BotContext) -> None:
    """Refuse a button press whose data the bot never signed (forged or from an old key)."""
    query = update.callback_query
    if query is None:
        return
    if context.services.signer.verify(query.data) is None:
        # Log that it happened, never what it said.
        log.warning("refused unsigned callback in update %s", update.update_id)
        language = context.services.t.language_for(
            query.from_user.language_code if query.from_user else None
        )
        await query.answer(context.services.t(language, "common.invalid_button"), show_alert=False)
        raise ApplicationHandlerStop


def handlers(wiring: Wiring) -> Handlers:
    """The checks, in order; `register` puts each in a group of its own (each sees every update)."""
    return [
        TypeHandler(Update, drop_replayed_update),
        TypeHandler(Update, hold_suspended),
        TypeHandler(Update, refuse_forged_button),
    ]
