"""An invite link during onboarding: reading it when someone opens it (/start <payload>), and
using it up when they agree."""

from __future__ import annotations

from telegram import Update

from bot.core.callbacks import payload_parts
from bot.core.clock import to_db
from bot.programme import invites
from bot.services import BotContext
from handlers._common import reply
from storage import members
from storage.members import Member


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


async def apply_on_consent(
    update: Update, context: BotContext, member: Member, language: str
) -> Member:
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
    return await members.update_profile(
        services.db, member.id, now, role=invite.role, cohort=invite.cohort, invited_at=to_db(now)
    )
