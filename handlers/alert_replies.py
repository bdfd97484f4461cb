"""The coordinators' group: a reply to a "message the member" prompt goes to the member. Runs with
the safety screen (before the flows), so no flow takes the reply as an answer."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ApplicationHandlerStop, MessageHandler, filters

from bot import alert_contact
from bot.lanes import Lane
from bot.services import BotContext
from handlers._common import Handlers, Wiring, reply


async def message_reply(update: Update, context: BotContext) -> None:
    """A coordinator's reply to a "message the member" prompt: the bot sends it on."""
    message = update.effective_message
    if message is None or message.reply_to_message is None or update.effective_user is None:
        return
    prompts = context.services.extras.get(alert_contact.PROMPTS, {})
    escalation_id = prompts.get(message.reply_to_message.message_id)
    if escalation_id is None or not message.text:
        return  # an ordinary reply in the group: not for us
    services, language = context.services, context.services.settings.default_language
    user = update.effective_user
    code = await alert_contact.message_member(services, escalation_id, message.text,
                                              by=user.id, name=user.full_name)
    key = "escalation.message_sent" if code else "escalation.message_closed"
    await reply(update, context, services.t(language, key, code=code or "?"), lane=Lane.CRISIS)
    raise ApplicationHandlerStop


def handlers(wiring: Wiring) -> Handlers:
    """Text replies in the coordinators' group (commands are left to the console)."""
    return [MessageHandler(wiring.coordinators & filters.REPLY & filters.TEXT & ~filters.COMMAND,
                           message_reply)]
