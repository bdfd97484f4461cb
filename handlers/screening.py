"""Group -1 safety screen: every piece of free text in a private chat is checked for crisis language.

It answers at once (crisis lane) and alerts coordinators, but does not stop the update: the
message still reaches its flow or the partner, and can see the result via `detected_risk`.
"""

from __future__ import annotations

from telegram import Update

from bot.escalation import raise_alert
from bot.risk import RiskResult
from bot.services import BotContext
from handlers._common import current_member
from handlers.support import send_crisis

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
    """Screen `text`; on detection send crisis lines now and raise a coordinator alert."""
    result = context.services.content.risk.screen(text)
    if result is None:
        return None
    if context.chat_data is not None:
        context.chat_data[_KEY] = (update.update_id, result)
    member = await current_member(update, context)
    await send_crisis(update, context, severity=result.severity.name.lower())
    await raise_alert(
        context.services,
        member=member,
        severity=result.severity.name.lower(),
        source=source,
        text=text,
        telegram_id=update.effective_user.id if update.effective_user else None,
    )
    return result


def detected_risk(update: Update, context: BotContext) -> RiskResult | None:
    """The screen's result for this very update, if it found something."""
    stored = (context.chat_data or {}).get(_KEY)
    if stored and stored[0] == update.update_id:
        return stored[1]
    return None
