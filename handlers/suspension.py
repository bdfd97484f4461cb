"""/suspend, /unsuspend and /revoke in the coordinators' group (the gate that holds a suspended
member's other commands is in handlers/gate.py)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from telegram import Update
from telegram.ext import CommandHandler

from bot.core.codes import normalise_code
from bot.programme.suspension import Actor, revoke, suspend, unsuspend
from bot.services import BotContext
from handlers._common import reply
from handlers._coordinators import actor, coordinator_commands
from storage import members

if TYPE_CHECKING:  # annotations only
    from handlers._common import Handlers, Wiring

coordinator_commands("suspend", "unsuspend", "revoke")


def _actor(update: Update) -> Actor:
    actor_id, actor_name = actor(update)
    return Actor(actor_id, actor_name)


async def _member(
    update: Update, context: BotContext, usage: str, *, needs_reason: bool
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


async def _change(
    update: Update,
    context: BotContext,
    usage: str,
    *,
    needs_reason: bool,
    change: Callable[[members.Member, str, Actor], Awaitable[bool]],
    done: str,
    refused: str,
) -> None:
    """Apply `change` to the member the command names; say `done`, or `refused` if nothing changed."""
    found = await _member(update, context, usage, needs_reason=needs_reason)
    if found is None:
        return
    member, reason = found
    t, lang = context.services.t, context.services.settings.default_language
    changed = await change(member, reason, _actor(update))
    await reply(update, context, t(lang, done if changed else refused, code=member.code))


async def suspend_command(update: Update, context: BotContext) -> None:
    """/suspend CODE reason: pause the member's participation (audited)."""
    await _change(
        update,
        context,
        "suspend.usage",
        needs_reason=True,
        change=lambda member, reason, by: suspend(context.services, member, reason, by),
        done="suspend.done",
        refused="suspend.already",
    )


async def unsuspend_command(update: Update, context: BotContext) -> None:
    """/unsuspend CODE: lift a suspension (audited)."""
    await _change(
        update,
        context,
        "suspend.unsuspend_usage",
        needs_reason=False,
        change=lambda member, _reason, by: unsuspend(context.services, member, by),
        done="suspend.lifted",
        refused="suspend.not_suspended",
    )


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
    await reply(
        update, context, t(lang, "suspend.revoked", code=member.code, pairs=", ".join(ended) or "-")
    )


def handlers(wiring: Wiring) -> Handlers:
    """/suspend, /unsuspend and /revoke, in the coordinators' group."""
    return [
        CommandHandler("suspend", suspend_command, wiring.coordinators),
        CommandHandler("unsuspend", unsuspend_command, wiring.coordinators),
        CommandHandler("revoke", revoke_command, wiring.coordinators),
    ]
