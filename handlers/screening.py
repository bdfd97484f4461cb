"""Group -1 safety screen: every piece of free text in a private chat is checked for crisis language.

It answers at once (crisis lane) and alerts coordinators, but does not stop the update: the
message still reaches its flow or the partner, and can see the result via `detected_risk`.
Severity sets the answer and the alert: a concern gets a gentle check-in with the lines and a
concern alert; high and imminent get the full crisis path and an urgent alert. A check (a past
story, someone else's words) gets one caring line without numbers and no alert; a mentor asking
how to respond to a disclosure gets the crisis-protocol guidance; danger from someone else takes
the high path. The member's findings (tier and kind, never text) are kept 24 hours so that a
concern yesterday raises the tier of today's message.
"""

from __future__ import annotations

import contextlib

from telegram import Update
from telegram.error import Forbidden

from bot.escalation import raise_alert
from bot.lanes import Lane
from bot.risk import RiskKind, RiskResult, Severity
from bot.services import BotContext
from handlers._common import current_member, language_of, reply
from handlers.support import ENTRY_DETECTED, record_entry, send_crisis
from storage import risk_signals

_KEY = "risk_of_update"


async def screen_message(update: Update, context: BotContext) -> None:
    """Screen a private message's text or caption; respond and escalate on any detection."""
    message = update.effective_message
    if message is None:
        return
    text = message.text or message.caption
    if not text or text.startswith("/"):
        return
    await respond_to_risk(update, context, text, source="chat")


async def respond_to_risk(
    update: Update, context: BotContext, text: str, *, source: str
) -> RiskResult | None:
    """Screen `text`; on detection send crisis lines now and raise a coordinator alert.

    Other flows (check-in notes, relayed messages, reports) call this with their `source`.
    """
    services = context.services
    member = await current_member(update, context)
    now = services.clock.now()
    recent = await risk_signals.recent(services.db, member.id, now) if member else []
    result = services.content.risk.screen(text, role=member.role if member else None,
                                          recent=recent)
    if result is None:
        return None
    if member is not None:
        await risk_signals.record(services.db, member.id, result, now)
    if context.chat_data is not None:
        context.chat_data[_KEY] = (update.update_id, result)
    if not is_crisis(result):
        with contextlib.suppress(Forbidden):
            await _gentle(update, context, result)
        return result
    # Danger from someone else takes the high path for now (the crisis reply has no danger words).
    severity = result.severity.name.lower()
    with contextlib.suppress(Forbidden):  # blocked right after writing: the alert still goes out
        await send_crisis(update, context, severity=severity)
    await raise_alert(
        services,
        member=await current_member(update, context),  # fresh: the reply may have found a block
        severity=severity,
        source=source,
        text=text,
        telegram_id=update.effective_user.id if update.effective_user else None,
    )
    await record_entry(update, context, ENTRY_DETECTED)
    return result


def is_crisis(result: RiskResult | None) -> bool:
    """Whether a result gets the crisis reply and an alert (not a check, not guidance)."""
    return (
        result is not None
        and result.severity >= Severity.CONCERN
        and result.kind is not RiskKind.GUIDANCE
    )


async def _gentle(update: Update, context: BotContext, result: RiskResult) -> None:
    """A check: one caring line without numbers; guidance: the mentor's crisis-protocol card."""
    services = context.services
    member = await current_member(update, context)
    language = language_of(update, context, member)
    if result.kind is not RiskKind.GUIDANCE:
        await reply(update, context, services.t(language, "screen.check"), lane=Lane.CRISIS)
        return
    text = services.t(language, "screen.guidance")
    country = (member.country if member else None) or services.settings.default_country
    found = services.content.crisis.for_country(country)
    if found is not None:
        text += "\n" + services.t(language, "screen.guidance_emergency", number=found.emergency)
    await reply(update, context, text, lane=Lane.CRISIS)


def detected_risk(update: Update, context: BotContext) -> RiskResult | None:
    """The screen's result for this very update, if it found something."""
    stored = (context.chat_data or {}).get(_KEY)
    if stored and stored[0] == update.update_id:
        return stored[1]
    return None
