"""Group -1 safety screen: every piece of free text in a private chat is checked for crisis language.

Crisis first, flow second: a hit is answered at once (crisis lane) and alerts coordinators. If
a flow (intake, settings, a check-in, a report...) was waiting for an answer, the text is not
given to it: its state is kept, the reply ends with one gentle "whenever you're ready" line,
and the update stops here. The reply itself is handlers/_risk_reply.py, which other flows use
for the text they collect. Outside any flow the message carries on (to the partner, say), and
later handlers can see the result via `detected_risk`. The member's findings (tier
and kind, never text) are kept 24 hours, so a concern yesterday raises the tier of today's message.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from telegram import Update
from telegram.ext import ApplicationHandlerStop, MessageHandler, filters

from bot.delivery.lanes import Lane
from bot.safety import alert_contact
from bot.services import BotContext
from handlers._common import current_member, language_of, reply
from handlers._risk_reply import MID_FLOW, respond_to_risk

if TYPE_CHECKING:  # annotations only
    from handlers._common import Handlers, Wiring


async def screen_message(update: Update, context: BotContext) -> None:
    """Screen a private message's text or caption; respond and escalate on any detection."""
    message = update.effective_message
    if message is None:
        return
    text = message.text or message.caption
    if not text or text.startswith("/"):
        return
    services = context.services
    chat_id = update.effective_chat.id if update.effective_chat else 0
    escalation_id = alert_contact.awaiting_reply(
        services.waiting.alert_reply, chat_id, services.clock.now()
    )
    if escalation_id is not None:
        # A reply to the coordinators about their alert: answered, and it still reaches them.
        await respond_to_risk(update, context, text, source="chat", kept=True)
        await member_reply(update, context, escalation_id, text)
        raise ApplicationHandlerStop
    result = await respond_to_risk(update, context, text, source="chat", mid_flow=None)
    if result is not None and context.chat_data is not None and context.chat_data.get(MID_FLOW):
        raise ApplicationHandlerStop  # the flow keeps its state and never judges these words


async def member_reply(update: Update, context: BotContext, escalation_id: int, text: str) -> None:
    """Send the member's reply on to the coordinators (or say the alert was closed)."""
    services = context.services
    chat_id = update.effective_chat.id if update.effective_chat else 0
    services.waiting.alert_reply.pop(chat_id, None)
    sent = await alert_contact.forward_reply(services, escalation_id, text)
    language = language_of(update, context, await current_member(update, context))
    await reply(
        update,
        context,
        services.t(language, "crisis.reply_sent" if sent else "crisis.reply_closed"),
        lane=Lane.CRISIS,
    )


def handlers(wiring: Wiring) -> Handlers:
    """Free text in private chats (captions too); the screen does not stop the update."""
    return [
        MessageHandler(
            filters.ChatType.PRIVATE & (filters.TEXT | filters.CAPTION) & ~filters.COMMAND,
            screen_message,
        )
    ]
