"""Crisis path: /crisis, /sos and the "I need help now" button, from any state, before consent."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ApplicationHandlerStop

from bot.crisis_view import render_crisis
from bot.lanes import Lane
from bot.services import BotContext
from handlers._common import current_member, language_of, reply


async def crisis_command(update: Update, context: BotContext) -> None:
    """Answer /crisis or /sos at once with the member's country's lines."""
    await send_crisis(update, context)
    raise ApplicationHandlerStop  # never disturbs a flow in progress: it resumes afterwards


async def crisis_button(update: Update, context: BotContext) -> None:
    """Handle the crisis buttons: open the crisis path, or an answer to "are you safe?"."""
    query = update.callback_query
    assert query is not None
    parts = context.services.signer.verify(query.data) or []
    await query.answer()
    if parts[1:] == ["notsafe"]:
        await send_crisis(update, context, not_safe=True)
    elif parts[1:] == ["safe"]:
        member = await current_member(update, context)
        language = language_of(update, context, member)
        await reply(
            update, context, context.services.t(language, "crisis.safe_reply"), lane=Lane.CRISIS
        )
    else:
        await send_crisis(update, context)
    raise ApplicationHandlerStop


async def send_crisis(update: Update, context: BotContext, *, not_safe: bool = False,
                      severity: str | None = None) -> None:
    """Send the crisis message with the "are you safe?" buttons, in the crisis lane.

    `severity` (from risk detection) picks gentler words for a concern; None = asked for help.
    """
    services = context.services
    member = await current_member(update, context)
    language = language_of(update, context, member)
    country = (member.country if member else None) or services.settings.default_country
    text = render_crisis(services.t, language, services.content.crisis, country, not_safe=not_safe,
                         gentle=severity == "concern")
    buttons = [
        [
            (services.t(language, "crisis.safe"), services.signer.sign("crisis", "safe")),
            (services.t(language, "crisis.not_safe"), services.signer.sign("crisis", "notsafe")),
        ]
    ]
    await reply(update, context, text, buttons, lane=Lane.CRISIS)
