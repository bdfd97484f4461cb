"""The crisis reply to words typed anywhere: the screen's own messages (handlers/screening.py) and
the text other flows collect (check-in notes, reports) go through `respond_to_risk`.

A hit is answered at once on the crisis lane and raises a coordinator alert; if a flow was
waiting for an answer, the reply ends with one gentle "whenever you're ready" line.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from telegram import Update
from telegram.error import Forbidden
from telegram.ext import ConversationHandler

from bot.core.i18n import Html
from bot.delivery.lanes import Lane
from bot.safety.crisis_view import render_concern, render_crisis, render_danger, render_followup
from bot.safety.degraded import (
    ENTRY_DETECTED,
    mark_unreachable,
    raise_alert_or_send_directly,
    record_crisis_entry,
    write_or_log,
)
from bot.screen import crisis_reply
from bot.screen.risk import RiskResult, Severity
from bot.services import BotContext
from handlers._common import FLOWS, SCREEN_RESULT, Button, current_member, language_of, reply
from storage import pairs, risk_signals
from storage.members import Member

MID_FLOW = "risk_mid_flow"  # chat_data: was a flow waiting when the screen last fired
# Catch-all handlers of the flows group that are not flows (the relay, the fallback): a message
# only they would take is not an answer anything is waiting for. Filled in by handlers/__init__.
NOT_FLOWS: set[Callable[..., Any]] = set()
# Steps whose answer is the person's own account (a report to the coordinators, their safety
# plan): crisis words there are answered at once and still kept as the answer.
KEEPS_WORDS: set[Callable[..., Any]] = set()


def waiting_step(update: Update, context: BotContext) -> object | None:
    """The callback of the flow step (not the relay or the fallback) that would take this
    message as its answer, if any."""
    for handler in context.application.handlers.get(FLOWS, []):
        if getattr(handler, "callback", None) in NOT_FLOWS:
            continue
        check = handler.check_update(update)
        if check is None or check is False:
            continue
        if isinstance(handler, ConversationHandler) and isinstance(check, tuple):
            return getattr(check[2], "callback", None) or handler  # (state, key, handler, check)
        return handler.callback
    return None


async def respond_to_risk(
    update: Update,
    context: BotContext,
    text: str,
    *,
    source: str,
    mid_flow: bool | None = False,
    kept: bool = False,
) -> RiskResult | None:
    """Screen `text`; on detection answer now (crisis lane) and raise a coordinator alert.

    Other flows (check-in notes, relayed messages, reports) call this with their `source`.
    `mid_flow=None`: find out, only on a hit, whether a flow is waiting (noted in chat_data).
    """
    services = context.services
    member = await current_member(update, context)
    now = services.clock.now()
    found = await risk_signals.recent(services.db, member.id, now) if member else []
    signals = [Severity(tier) for tier in found]
    result = services.content.risk.screen(
        text, role=member.role if member else None, recent=signals
    )
    if result is None:
        return None
    if member is not None:
        # A full disk must not stop the crisis reply: the finding is only the next message's context.
        await write_or_log(
            "a screen finding", risk_signals.record(services.db, member.id, result, now)
        )
    if mid_flow is None:  # only on a hit: checking every flow's handlers costs a little
        step = waiting_step(update, context)
        kept = kept or step in KEEPS_WORDS
        mid_flow = step is not None and step not in KEEPS_WORDS
    if context.chat_data is not None:
        context.chat_data[SCREEN_RESULT] = (update.update_id, result)
        context.chat_data[MID_FLOW] = mid_flow
    chat_id = update.effective_chat.id if update.effective_chat else 0
    recent = services.crisis.recent
    choice = crisis_reply.choose(result, recent.get(chat_id), now)
    text_out, buttons = await _reply_for(
        update,
        context,
        member,
        choice,
        "kept" if kept else source,
        mid_flow,
        imminent=result.severity is Severity.IMMINENT,
    )
    try:
        await reply(update, context, text_out, buttons, lane=Lane.CRISIS)
    except Forbidden:  # blocked right after writing: the alert still goes out, saying so
        await mark_unreachable(context.services, member)
        member = await current_member(update, context)
    remembered = crisis_reply.remember(choice, result, recent.get(chat_id), now)
    if remembered is not None:
        recent[chat_id] = remembered
    severity = crisis_reply.alert_severity(result)
    if severity is not None:
        await raise_alert_or_send_directly(
            services,
            context.bot,
            member=member,
            severity=severity,
            source=source,
            text=text,
            telegram_id=update.effective_user.id if update.effective_user else None,
            kind="danger" if choice == "danger" or result.kind == "danger" else "self",
            language=language_of(update, context, member),
        )
        await record_crisis_entry(
            context.services, await current_member(update, context), ENTRY_DETECTED
        )
    return result


async def _reply_for(
    update: Update,
    context: BotContext,
    member: Member | None,
    choice: str,
    source: str,
    mid_flow: bool,
    *,
    imminent: bool = False,
) -> tuple[Html, list[list[Button]]]:
    """The words and buttons for one choice of crisis_reply.choose."""
    services = context.services
    t, sign = services.t, services.signer.sign
    language = language_of(update, context, member)
    country = (member.country if member else None) or services.settings.default_country
    directory = services.content.crisis
    safe_row: list[Button] = [
        (t(language, "crisis.safe"), sign("crisis", "safe")),
        (t(language, "crisis.not_safe"), sign("crisis", "notsafe")),
    ]
    buttons: list[list[Button]] = []
    if choice == "check":
        text = t(language, "crisis.check")
    elif choice == "guidance":
        text = t(language, "mentor_crisis.guidance")
        found = directory.for_country(country)
        if found is not None:
            text = Html(
                text + "\n" + t(language, "screen.guidance_emergency", number=found.emergency)
            )
        buttons = [[(t(language, "crisis.show_lines"), sign("crisis", "open"))]]
    elif choice == "danger":
        text = render_danger(t, language, directory, country)
        buttons = [safe_row]
    elif choice == "concern":
        text = render_concern(t, language, directory, country)
        buttons = [
            [
                (t(language, "crisis.concern_yes"), sign("crisis", "yes")),
                (t(language, "crisis.concern_no"), sign("crisis", "no")),
            ],
            [(t(language, "cope.menu_button"), sign("cope", "open"))],
        ]
    elif choice.startswith("followup_"):
        text = render_followup(t, language, directory, country, choice)
        buttons = [
            [
                (t(language, "crisis.show_lines"), sign("crisis", "open")),
                (t(language, "crisis.not_safe"), sign("crisis", "notsafe")),
            ]
        ]
    else:
        text = render_crisis(t, language, directory, country, not_safe=imminent)
        buttons = [safe_row]
    extra = []
    if not mid_flow and source == "chat" and choice not in ("check", "guidance"):
        notice = await _relay_notice(context, member, language)
        if notice:
            extra.append(notice)
    if mid_flow:
        extra.append(t(language, "crisis.carry_on"))
    return Html("\n\n".join([text, *extra])), buttons


async def _relay_notice(context: BotContext, member: Member | None, language: str) -> Html | None:
    """Said before the message is relayed: it goes to the partner, and coordinators know too."""
    if member is None or member.role not in ("mentee", "mentor"):
        return None
    current = [
        pair
        for pair in await pairs.current_pairs_of(context.services.db, member.id)
        if pair.status == "active"
    ]
    if not current:
        return None
    partner = "mentor" if member.role == "mentee" else "mentee"
    words = "_words" if context.services.settings.share_crisis_text_with_coordinators else ""
    return context.services.t(language, f"crisis.relay_notice_{partner}{words}")
