"""/suspend, /unsuspend and /revoke in the coordinators' group, and the gate that keeps a
suspended member's private chat to help (/crisis, /cope, /resources) and their data (/mydata,
/forget)."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ApplicationHandlerStop

from bot.codes import normalise_code
from bot.services import BotContext
from bot.suspension import Actor, revoke, suspend, suspended_ids, unsuspend
from handlers import access
from handlers._common import reply
from handlers.console import actor
from storage import members

access.coordinator_commands("suspend", "unsuspend", "revoke")
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


def _actor(update: Update) -> Actor:
    actor_id, actor_name = actor(update)
    return Actor(actor_id, actor_name)


async def _member(update: Update, context: BotContext, usage: str, *, needs_reason: bool
                  ) -> tuple[members.Member, str] | None:
    """The member named by the first argument and the reason after it, or a clear answer."""
    services = context.services
    t, lang = services.t, services.settings.default_language
    args = context.args or []
    if not args or (needs_reason and len(args) < 2):
        await reply(update, context, t(lang, usage))
        return None
    code = normalise_code(args[0])
    member = await members.get_by_code(services.db, code)
    if member is None:
        await reply(update, context, t(lang, "suspend.unknown", code=code))
        return None
    return member, " ".join(args[1:]).strip()


async def suspend_command(update: Update, context: BotContext) -> None:
    """/suspend CODE reason: pause the member's participation (audited)."""
    found = await _member(update, context, "suspend.usage", needs_reason=True)
    if found is None:
        return
    member, reason = found
    t, lang = context.services.t, context.services.settings.default_language
    if not await suspend(context.services, member, reason, _actor(update)):
        await reply(update, context, t(lang, "suspend.already", code=member.code))
        return
    await reply(update, context, t(lang, "suspend.done", code=member.code))


async def unsuspend_command(update: Update, context: BotContext) -> None:
    """/unsuspend CODE: lift a suspension (audited)."""
    found = await _member(update, context, "suspend.unsuspend_usage", needs_reason=False)
    if found is None:
        return
    member, _ = found
    t, lang = context.services.t, context.services.settings.default_language
    if not await unsuspend(context.services, member, _actor(update)):
        await reply(update, context, t(lang, "suspend.not_suspended", code=member.code))
        return
    await reply(update, context, t(lang, "suspend.lifted", code=member.code))


async def revoke_command(update: Update, context: BotContext) -> None:
    """/revoke CODE reason: withdraw a mentor's approval; their mentees go back to waiting."""
    found = await _member(update, context, "suspend.revoke_usage", needs_reason=True)
    if found is None:
        return
    member, reason = found
    t, lang = context.services.t, context.services.settings.default_language
    if member.role != "mentor" or member.approved_at is None:
        await reply(update, context, t(lang, "suspend.not_approved", code=member.code))
        return
    try:
        ended = await revoke(context.services, member, reason, _actor(update))
    except LookupError:
        await reply(update, context, t(lang, "suspend.not_approved", code=member.code))
        return
    await reply(update, context, t(lang, "suspend.revoked", code=member.code,
                                   pairs=", ".join(ended) or "-"))
