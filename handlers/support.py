"""Crisis path: /crisis, /sos and the "I need help now" button, from any state, before consent."""

from __future__ import annotations

import contextlib
import logging

from telegram import Update
from telegram.error import Forbidden
from telegram.ext import ApplicationHandlerStop

from bot.crisis_view import render_crisis
from bot.degraded import raise_alert_or_send_directly, write_or_log
from bot.lanes import Lane
from bot.services import BotContext
from handlers._common import Button, current_member, language_of, reply
from storage import engagement, members
from storage.members import Member

log = logging.getLogger(__name__)
ENTRY_COMMAND, ENTRY_BUTTON, ENTRY_DETECTED = 1, 2, 3  # engagement value of crisis_entered


def help_now_row(context: BotContext, language: str) -> list[Button]:
    """The [🆘 I need help now] button for menus (opens the crisis path from anywhere)."""
    services = context.services
    return [(services.t(language, "common.menu_crisis"), services.signer.sign("crisis", "open"))]


async def crisis_command(update: Update, context: BotContext) -> None:
    """Answer /crisis or /sos at once with the member's country's lines."""
    await send_crisis(update, context)
    await record_entry(update, context, ENTRY_COMMAND)
    raise ApplicationHandlerStop  # never disturbs a flow in progress: it resumes afterwards


async def crisis_button(update: Update, context: BotContext) -> None:
    """Handle the crisis buttons: open the crisis path, or an answer to "are you safe?"."""
    query = update.callback_query
    assert query is not None
    parts = context.services.signer.verify(query.data) or []
    await query.answer()
    # Blocked the bot a moment ago: nothing more can reach them, and the press must not fall
    # through to the later groups (which would answer it a second time).
    with contextlib.suppress(Forbidden):
        if parts[1:] == ["notsafe"]:
            await not_safe(update, context)
        elif parts[1:] == ["safe"]:
            member = await current_member(update, context)
            language = language_of(update, context, member)
            await _record_answer(update, context, member, safe=True)
            t, sign = context.services.t, context.services.signer.sign
            await reply(update, context, t(language, "crisis.safe_reply"),
                        [[(t(language, "cope.menu_button"), sign("cope", "open"))]],
                        lane=Lane.CRISIS)
        else:
            await send_crisis(update, context)
            await record_entry(update, context, ENTRY_BUTTON)
    raise ApplicationHandlerStop


async def not_safe(update: Update, context: BotContext) -> None:
    """"I'm not safe": emergency number first, and the alert becomes urgent (one alert, raised)."""
    with contextlib.suppress(Forbidden):  # blocked a moment ago: coordinators must still know
        await send_crisis(update, context, not_safe=True)
    member = await current_member(update, context)
    await raise_alert_or_send_directly(
        context.services,
        context.bot,
        member=member,
        severity="urgent",
        source="button",
        telegram_id=update.effective_user.id if update.effective_user else None,
    )
    await _record_answer(update, context, member, safe=False)


async def send_crisis(update: Update, context: BotContext, *, not_safe: bool = False,
                      severity: str | None = None) -> None:
    """Send the crisis message with the "are you safe?" buttons, in the crisis lane.

    `severity` (from risk detection) sets the words: a concern gets a gentle check-in (and a
    coping button), imminent danger the emergency-first words; None = they asked for help.
    If they blocked the bot, they are marked unreachable and Forbidden is raised.
    """
    services = context.services
    member = await current_member(update, context)
    language = language_of(update, context, member)
    country = (member.country if member else None) or services.settings.default_country
    text = render_crisis(services.t, language, services.content.crisis, country,
                         not_safe=not_safe or severity == "imminent",
                         gentle=severity == "concern")
    t, sign = services.t, services.signer.sign
    buttons = [
        [(t(language, "crisis.safe"), sign("crisis", "safe")),
         (t(language, "crisis.not_safe"), sign("crisis", "notsafe"))]
    ]
    if severity == "concern":
        buttons.append([(t(language, "cope.menu_button"), sign("cope", "open"))])
    try:
        await reply(update, context, text, buttons, lane=Lane.CRISIS)
    except Forbidden:
        await mark_unreachable(context, member)
        raise


async def mark_unreachable(context: BotContext, member: Member | None) -> None:
    """They blocked the bot: note it, so the alert tells coordinators the bot cannot reach them."""
    log.info("crisis reply refused: the person blocked the bot")
    if member is not None and not member.unreachable:
        await members.update_profile(
            context.services.db, member.id, context.services.clock.now(), unreachable=True
        )


async def record_entry(update: Update, context: BotContext, how: int) -> None:
    """Anonymised: someone reached the crisis path, and how (no pseudonym before consent)."""
    member = await current_member(update, context)
    await write_or_log("a crisis entry", engagement.record(
        context.services.db, context.services.pseudonym_key, kind="crisis_entered",
        now=context.services.clock.now(), telegram_id=member.telegram_id if member else None,
        role=member.role if member else None, value=how,
    ))


async def _record_answer(update: Update, context: BotContext, member: Member | None, *,
                         safe: bool) -> None:
    """Anonymised answer to "are you safe?" (1 safe for now, 0 not safe)."""
    await write_or_log("an answer to \"are you safe?\"", engagement.record(
        context.services.db, context.services.pseudonym_key, kind="crisis_answered",
        now=context.services.clock.now(), telegram_id=member.telegram_id if member else None,
        role=member.role if member else None, value=1 if safe else 0,
    ))
