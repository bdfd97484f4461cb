"""/invite mentor|mentee [cohort] in the coordinators' group (handlers/_invite_link.py reads the
link when someone opens it)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from telegram import Update
from telegram.ext import CommandHandler

from bot.programme import invites
from bot.services import BotContext
from handlers._common import reply
from handlers._coordinators import actor, coordinator_commands

if TYPE_CHECKING:  # annotations only
    from handlers._common import Handlers, Wiring

coordinator_commands("invite")


async def invite_command(update: Update, context: BotContext) -> None:
    """/invite mentor|mentee [cohort]: a single-use link that preselects the role."""
    services = context.services
    t, lang = services.t, services.settings.default_language
    args = context.args or []
    role = args[0].lower() if args else ""
    cohort = args[1] if len(args) == 2 else None
    if (
        role not in invites.ROLES
        or len(args) > 2
        or (cohort is not None and not invites.COHORT.match(cohort))
    ):
        await reply(update, context, t(lang, "invite.usage"))
        return
    link, invite = await invites.create(
        services, role, cohort, actor(update)[0], context.bot.username
    )
    await reply(
        update,
        context,
        t(
            lang,
            f"invite.made_{role}",
            link=link,
            cohort=cohort or "-",
            days=services.settings.invite_days,
            expires=invite.expires_at[:10],
        ),
    )


def handlers(wiring: Wiring) -> Handlers:
    """/invite, in the coordinators' group."""
    return [CommandHandler("invite", invite_command, wiring.coordinators)]
