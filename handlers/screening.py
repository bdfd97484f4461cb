"""Group -1 safety screen: every piece of free text in a private chat is checked for crisis language.

It answers at once (crisis lane) and alerts coordinators, but does not stop the update: the
message still reaches its flow or the partner, and can see the result via `detected_risk`.
Severity sets the answer and the alert: a concern gets a gentle check-in with the lines and a
concern alert; high and imminent get the full crisis path and an urgent alert.
"""

from __future__ import annotations

import contextlib

from telegram import Update
from telegram.error import Forbidden

from bot.degraded import raise_alert_or_send_directly
from bot.risk import RiskResult
from bot.services import BotContext
from handlers._common import current_member
from handlers.support import ENTRY_DETECTED, record_entry, send_crisis

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
    result = context.services.content.risk.screen(text)
    if result is None:
        return None
    if context.chat_data is not None:
        context.chat_data[_KEY] = (update.update_id, result)
    severity = result.severity.name.lower()
    with contextlib.suppress(Forbidden):  # blocked right after writing: the alert still goes out
        await send_crisis(update, context, severity=severity)
    await raise_alert_or_send_directly(
        context.services,
        context.bot,
        member=await current_member(update, context),
        severity=severity,
        source=source,
        text=text,
        telegram_id=update.effective_user.id if update.effective_user else None,
    )
    await record_entry(update, context, ENTRY_DETECTED)
    return result


def detected_risk(update: Update, context: BotContext) -> RiskResult | None:
    """The screen's result for this very update, if it found something."""
    stored = (context.chat_data or {}).get(_KEY)
    if stored and stored[0] == update.update_id:
        return stored[1]
    return None
