"""/invite mentor|mentee [cohort] in the coordinators' group, and reading an invite when someone
opens the link (/start <payload>) and when they agree."""

from __future__ import annotations

from typing import TYPE_CHECKING

from telegram import Update
from telegram.ext import CommandHandler

from bot.core.callbacks import payload_parts
from bot.core.clock import to_db
from bot.programme import invites
from bot.services import BotContext
from handlers._common import actor, coordinator_commands, reply
from storage import members
from storage.members import Member

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
    if role not in invites.ROLES or len(args) > 2 or (
        cohort is not None and not invites.COHORT.match(cohort)
    ):
        await reply(update, context, t(lang, "invite.usage"))
        return
    link, invite = await invites.create(services, role, cohort, actor(update)[0],
                                        context.bot.username)
    await reply(update, context, t(lang, f"invite.made_{role}", link=link,
                                   cohort=cohort or "-", days=services.settings.invite_days,
                                   expires=invite.expires_at[:10]))


async def read_start_payload(update: Update, context: BotContext, language: str) -> int | None:
    """A newcomer's /start <payload>: say what the invite does (or kindly why it does not);
    the id of a usable invite, else None. Onboarding continues normally either way."""
    payload = (context.args or [""])[0]
    if not payload:
        return None
    checked = await invites.check(context.services, payload[:64])
    t = context.services.t
    if checked.status != "ok" or checked.invite is None:
        await reply(update, context, t(language, f"invite.{checked.status}"))
        return None
    invite = checked.invite
    key = f"invite.welcome_{invite.role}" + ("_cohort" if invite.cohort else "")
    await reply(update, context, t(language, key, cohort=invite.cohort or ""))
    return invite.id


async def apply_on_consent(update: Update, context: BotContext, member: Member,
                           language: str) -> Member:
    """After "I agree" from an invite link: use it up and set the role (and cohort)."""
    query = update.callback_query
    parts = payload_parts(query.data) if query is not None else []
    if len(parts) < 3 or not parts[2].startswith("i"):
        return member
    services = context.services
    invite = await invites.redeem(services, int(parts[2][1:]), member.telegram_id)
    if invite is None:  # used by someone else, or expired, since the link was opened
        await reply(update, context, services.t(language, "invite.used"))
        return member
    now = services.clock.now()
    return await members.update_profile(services.db, member.id, now, role=invite.role,
                                        cohort=invite.cohort, invited_at=to_db(now))


def handlers(wiring: Wiring) -> Handlers:
    """/invite, in the coordinators' group."""
    return [CommandHandler("invite", invite_command, wiring.coordinators)]
