"""The gate that keeps a suspended member's private chat to help (/crisis, /cope, /resources) and
their data (/mydata, /forget)."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ApplicationHandlerStop, TypeHandler

from bot.services import BotContext
from bot.suspension import suspended_ids
from handlers._common import Handlers, Wiring, reply
from storage import members

# What a suspended member can still do: get help now (crisis lines, coping ideas, support
# services, their safety plan), and see or erase their data. New safety features belong here.
OPEN_COMMANDS = frozenset({"crisis", "sos", "cope", "resources", "safetyplan", "mydata",
                           "forget"})
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


def handlers(wiring: Wiring) -> Handlers:
    """The hold, for every update (only a suspended member's private ones are looked at)."""
    return [TypeHandler(Update, hold_suspended)]
