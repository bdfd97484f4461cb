"""/approve CODE in the coordinators' group: a trained mentor becomes matchable (audited)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from telegram import Update
from telegram.ext import CommandHandler

from bot.core.codes import normalise_code
from bot.programme.approval import approve
from bot.services import BotContext
from handlers._common import reply
from handlers._coordinators import coordinator_commands
from storage import members

if TYPE_CHECKING:  # annotations only
    from handlers._common import Handlers, Wiring

coordinator_commands("approve")


async def approve_command(update: Update, context: BotContext) -> None:
    """Approve the mentor with this code, or say plainly why not."""
    services = context.services
    t, lang = services.t, services.settings.default_language
    args = context.args or []
    if len(args) != 1:
        await reply(update, context, t(lang, "approve.usage"))
        return
    code = normalise_code(args[0])
    member = await members.get_by_code(services.db, code)
    if member is None or member.role != "mentor":
        await reply(update, context, t(lang, "approve.unknown", code=code))
        return
    if member.approved_at is not None:
        await reply(update, context, t(lang, "approve.already", code=code))
        return
    if member.status != "awaiting_approval":
        await reply(update, context, t(lang, "approve.not_trained", code=code))
        return
    user = update.effective_user
    assert user is not None
    if not await approve(services, member, actor_id=user.id, actor_name=user.full_name):
        await reply(update, context, t(lang, "approve.already", code=code))
        return
    await reply(update, context, t(lang, "approve.done", code=code))


def handlers(wiring: Wiring) -> Handlers:
    """/approve, in the coordinators' group."""
    return [CommandHandler("approve", approve_command, wiring.coordinators)]
