"""/member CODE: a member's profile and pair history; their Telegram identity only on request.

The identity button re-checks the presser's membership without the cache, records the lookup in
the audit log, and shows the identity in a pop-up only the presser sees.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.core import words
from bot.core.callbacks import CODE, payload_parts, shape
from bot.core.i18n import Html
from bot.services import BotContext
from handlers._coordinators import actor, is_coordinator, say
from storage import audit, console, members
from storage.members import Member

if TYPE_CHECKING:  # annotations only
    from handlers._common import Handlers, Wiring

log = logging.getLogger(__name__)
ALERT_LIMIT = 200  # Telegram's limit for callback answers


def _day(value: str | None) -> str:
    return value[:10] if value else "-"


async def profile_text(context: BotContext, member: Member) -> Html:
    """Profile and pair history as coordinators see them (codes and alias, no Telegram name)."""
    services = context.services
    t, language = services.t, services.settings.default_language
    flags = [
        t(language, f"console.flag_{name}")
        for name, on in (
            ("paused", member.paused_until is not None),
            ("stepped_back", member.stepped_back),
            ("unreachable", member.unreachable),
            ("suspended", member.suspended_at is not None),
        )
        if on
    ]
    lines = [
        t(
            language,
            "console.member_profile",
            code=member.code,
            role=t(language, f"console.role_{member.role or 'none'}"),
            status=t(language, f"console.status_{member.status}"),
            alias=member.alias or "-",
            lang=words.language_name(language, member.language),
            country=words.country_name(language, member.country),
            timezone=member.timezone,
            age_band=member.age_band or "-",
            focus=", ".join(
                [
                    services.content.intake.label("focus_areas", area, language)
                    for area in member.focus_areas
                ]
            )
            or "-",
            joined=_day(member.consented_at),
            intake=_day(member.intake_done_at),
            trained=_day(member.trained_at),
            approved=_day(member.approved_at),
            flags=", ".join(flags) or t(language, "console.flag_none"),
        ),
        *_programme_lines(context, member),
        "",
        t(language, "console.member_pairs_title"),
    ]
    history = await console.pair_history(services.db, member.id)
    for pair in history:
        as_mentee = pair.mentee_id == member.id
        partner = await console.member_code(
            services.db, pair.mentor_id if as_mentee else pair.mentee_id
        )
        lines.append(
            t(
                language,
                "console.member_pair_line",
                pair=pair.code,
                role=t(language, f"console.role_{'mentee' if as_mentee else 'mentor'}"),
                partner=partner or "-",
                status=t(language, f"console.pair_status_{pair.status}"),
                started=_day(pair.started_at or pair.created_at),
                ended=_day(pair.ended_at),
                reason=pair.end_reason or "",
            )
        )
    if not history:
        lines.append(t(language, "console.member_no_pairs"))
    lines += ["", await _signals_text(context, {p.id for p in history if p.status != "ended"})]
    return Html("\n".join(lines))


def _programme_lines(context: BotContext, member: Member) -> list[str]:
    """A suspension (since when, and why) and the invite cohort, when there are any."""
    t, language = context.services.t, context.services.settings.default_language
    lines: list[str] = []
    if member.suspended_at is not None:
        lines.append(
            t(
                language,
                "suspend.profile_line",
                since=_day(member.suspended_at),
                reason=member.suspended_reason or "-",
            )
        )
    if member.invited_at is not None:
        lines.append(t(language, "invite.profile_line", cohort=member.cohort or "-"))
    return lines


async def _signals_text(context: BotContext, pair_ids: set[int]) -> str:
    """This week's signals for the member's current pairs, with the reasons (as in the digest)."""
    from bot.console.digest import signal_lines, week_start
    from bot.programme.signals import flagged_pairs

    services = context.services
    t, language = services.t, services.settings.default_language
    start = week_start(services.clock.now(), services.settings.default_timezone)
    flags = [f for f in await flagged_pairs(services, start) if f.pair_id in pair_ids]
    body = signal_lines(services, language, flags) or "\n" + t(
        language, "console.member_signals_none"
    )
    return t(language, "console.member_signals_title") + body


async def member_command(update: Update, context: BotContext) -> None:
    """/member CODE: profile, pair history, and a button to look up the Telegram identity."""
    services = context.services
    t, language = services.t, services.settings.default_language
    if not context.args:
        await say(update, context, t(language, "console.member_usage"))
        return
    code = context.args[0].strip().upper()[:12]
    member = await members.get_by_code(services.db, code)
    if member is None:
        await say(update, context, t(language, "console.member_not_found", code=code))
        return
    button = (
        t(language, "console.member_reveal"),
        services.signer.sign("co", "reveal", member.code),
    )
    await say(update, context, await profile_text(context, member), [[button]])


async def reveal_identity(update: Update, context: BotContext) -> None:
    """The identity button: fresh membership check, audit entry, then a private pop-up."""
    query = update.callback_query
    assert query is not None
    services = context.services
    t, language = services.t, services.settings.default_language
    if not await is_coordinator(update, context, fresh=True):
        await query.answer(t(language, "common.invalid_button"))
        return
    parts = payload_parts(query.data)
    member = await members.get_by_code(services.db, parts[2]) if len(parts) > 2 else None
    if member is None:
        await query.answer(t(language, "console.member_gone"), show_alert=True)
        return
    actor_id, actor_name = actor(update)
    await audit.record(
        services.db,
        actor_id=actor_id,
        actor_name=actor_name,
        action="identity_lookup",
        now=services.clock.now(),
        subject=member.code,
    )
    name, username = "?", ""
    try:
        chat = await context.bot.get_chat(member.telegram_id)
        name = " ".join(filter(None, (chat.first_name, chat.last_name))) or "?"
        username = f"@{chat.username}" if chat.username else ""
    except TelegramError:
        log.info("identity lookup: Telegram did not return the member's chat")
    text = t(
        language,
        "console.member_identity",
        code=member.code,
        name=name,
        username=username,
        telegram_id=member.telegram_id,
    ).replace("  ", " ")
    # Pop-ups are plain text: undo the HTML escaping the translator applied to the values.
    plain = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    await query.answer(plain[:ALERT_LIMIT], show_alert=True)


def handlers(wiring: Wiring) -> Handlers:
    """/member in the coordinators' group, and its audited "reveal identity" button."""
    return [
        CommandHandler("member", member_command, wiring.coordinators),
        CallbackQueryHandler(reveal_identity, pattern=shape("co", "reveal", CODE)),
    ]
