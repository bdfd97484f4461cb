"""Crisis path: /crisis, /sos and the "I need help now" button, from any state, before consent;
and a coordinator's reply that the bot sends on to the member an alert is about."""

from __future__ import annotations

import contextlib
import logging
from datetime import timedelta
from typing import TYPE_CHECKING

from telegram import Update
from telegram.error import Forbidden
from telegram.ext import (
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from bot.delivery.lanes import Lane
from bot.safety import alert_contact
from bot.safety.crisis_view import render_crisis, render_not_safe
from bot.safety.degraded import (
    ENTRY_BUTTON,
    ENTRY_COMMAND,
    mark_unreachable,
    raise_alert_or_send_directly,
    record_crisis_answer,
    record_crisis_entry,
    write_or_log,
)
from bot.safety.escalation import edit_alert
from bot.safety.safety_plan import render_plan
from bot.services import BotContext
from handlers._common import Button, current_member, language_of, reply
from storage import escalations, safety_plans
from storage.members import Member

if TYPE_CHECKING:  # annotations only
    from handlers._common import Handlers, Wiring

log = logging.getLogger(__name__)
NOT_SAFE_WINDOW = timedelta(minutes=30)  # a second "not safe" within it: "told them again"
# Every other button pattern is a whole-payload shape (bot/core/callbacks.shape). Crisis buttons are
# the one exception on purpose: any signed "crisis:" press (an old version's too) opens the
# crisis path, because help must never answer "this button has expired".
CRISIS_ANY = r"^crisis:"


async def crisis_command(update: Update, context: BotContext) -> None:
    """Answer /crisis or /sos at once: their own safety plan first (if any), then the lines."""
    member = await current_member(update, context)
    if member is not None and await safety_plans.has_plan(context.services.db, member.id):
        plan = await safety_plans.get(context.services.db, member.id)
        with contextlib.suppress(Forbidden):
            await reply(
                update,
                context,
                render_plan(context.services.t, member.language, plan, intro=False),
                lane=Lane.CRISIS,
            )
    await send_crisis(update, context)
    await record_crisis_entry(
        context.services, await current_member(update, context), ENTRY_COMMAND
    )
    raise ApplicationHandlerStop  # never disturbs a flow in progress: it resumes afterwards


async def crisis_button(update: Update, context: BotContext) -> None:
    """Handle the crisis buttons: open the path, "are you safe?", "are you having thoughts...?"."""
    query = update.callback_query
    assert query is not None
    parts = context.services.signer.verify(query.data) or []
    await query.answer()
    # Blocked the bot a moment ago: nothing more can reach them, and the press must not fall
    # through to the later groups (which would answer it a second time).
    with contextlib.suppress(Forbidden):
        action = parts[1] if len(parts) == 2 else "open"
        if len(parts) == 3 and parts[1] == "reply" and parts[2].isdigit():
            await _ask_reply(update, context, int(parts[2]))
        elif action == "notsafe":
            await not_safe(update, context)
        elif action == "yes":  # "yes, I'm having thoughts of ending my life": the full path
            await _lines_and_alert(update, context, "high")
        elif action in ("safe", "no", "grounding", "called", "after_ok", "after_skip"):
            await _gentle_answer(update, context, action)
        elif action == "after_bad":  # the day after, still struggling: lines, and they know
            await _lines_and_alert(update, context, "concern")
        else:
            await send_crisis(update, context)
            await record_crisis_entry(
                context.services, await current_member(update, context), ENTRY_BUTTON
            )
    raise ApplicationHandlerStop


async def _ask_reply(update: Update, context: BotContext, escalation_id: int) -> None:
    """[↩️ Reply to the coordinators]: the next message goes to them (screened on the way)."""
    services = context.services
    chat_id = update.effective_chat.id if update.effective_chat else 0
    services.waiting.alert_reply[chat_id] = (
        escalation_id,
        services.clock.now() + alert_contact.REPLY_WAIT,
    )
    language = language_of(update, context, await current_member(update, context))
    await reply(update, context, services.t(language, "crisis.reply_ask"), lane=Lane.CRISIS)


async def _lines_and_alert(update: Update, context: BotContext, severity: str) -> None:
    """The crisis lines at `severity`, and an alert saying the member pressed a button."""
    await send_crisis(update, context, severity=severity)
    await raise_alert_or_send_directly(
        context.services,
        context.bot,
        member=await current_member(update, context),
        severity=severity,
        source="button",
        telegram_id=update.effective_user.id if update.effective_user else None,
        language=language_of(update, context),
    )


async def _gentle_answer(update: Update, context: BotContext, action: str) -> None:
    """Safe for now, "not that", a grounding exercise, or "I've called / I'm with someone"."""
    member = await current_member(update, context)
    language = language_of(update, context, member)
    t, sign = context.services.t, context.services.signer.sign
    if action == "safe":
        await record_crisis_answer(context.services, member, safe=True)
    if action in ("safe", "called"):  # the coordinators working the alert see the answer
        await write_or_log(
            "an answer on an alert",
            _tell_alert(
                context, member, update.effective_chat.id if update.effective_chat else 0, action
            ),
        )
    key = {
        "safe": "crisis.safe_reply",
        "no": "crisis.concern_no_reply",
        "grounding": "crisis.grounding",
        "called": "crisis.called_reply",
        "after_ok": "safety_plan.aftercare_ok_reply",
        "after_skip": "safety_plan.aftercare_skip_reply",
    }[action]
    buttons = [[(t(language, "cope.menu_button"), sign("cope", "open"))]]
    if action in ("grounding", "called"):
        buttons = [[(t(language, "crisis.show_lines"), sign("crisis", "open"))]]
    if member is not None and action != "grounding":  # offered after a crisis
        has_plan = await safety_plans.has_plan(context.services.db, member.id)
        buttons.append(
            [
                (
                    t(
                        language,
                        "safety_plan.show_button" if has_plan else "safety_plan.make_button",
                    ),
                    sign("plan", "show"),
                )
            ]
        )
    await reply(update, context, t(language, key), buttons, lane=Lane.CRISIS)


async def _tell_alert(context: BotContext, member: Member | None, chat_id: int, said: str) -> None:
    """Show the member's latest answer on their open alert, if there is one."""
    services = context.services
    escalation = await escalations.open_for_chat(
        services.db, member.id if member else None, chat_id
    )
    if escalation is None:
        return
    await escalations.set_member_said(services.db, escalation.id, said)
    updated = await escalations.get(services.db, escalation.id)
    if updated is not None:
        await edit_alert(services, updated, member)


async def not_safe(update: Update, context: BotContext) -> None:
    """ "I'm not safe": the emergency number first, that coordinators were told, what helps now.

    Never the same question again: a second press within the window says the coordinators were
    told again and offers the same help.
    """
    services = context.services
    member = await current_member(update, context)
    language = language_of(update, context, member)
    chat_id = update.effective_chat.id if update.effective_chat else 0
    pressed = services.crisis.not_safe
    now = services.clock.now()
    again = chat_id in pressed and now - pressed[chat_id] < NOT_SAFE_WINDOW
    pressed[chat_id] = now
    country = (member.country if member else None) or services.settings.default_country
    text = render_not_safe(services.t, language, services.content.crisis, country, again=again)
    with contextlib.suppress(Forbidden):  # blocked a moment ago: coordinators must still know
        try:
            await reply(
                update,
                context,
                text,
                await not_safe_buttons(context, member, language),
                lane=Lane.CRISIS,
            )
        except Forbidden:
            await mark_unreachable(context.services, member)
            raise
    await raise_alert_or_send_directly(
        services,
        context.bot,
        member=member,
        severity="urgent",
        source="button",
        telegram_id=update.effective_user.id if update.effective_user else None,
        language=language,
    )
    await record_crisis_answer(context.services, member, safe=False)


async def not_safe_buttons(
    context: BotContext, member: Member | None, language: str
) -> list[list[Button]]:
    """What helps now: the safety plan (if there is one), grounding, "I've called", the lines."""
    t, sign = context.services.t, context.services.signer.sign
    rows: list[list[Button]] = []
    if member is not None and await safety_plans.has_plan(context.services.db, member.id):
        rows.append([(t(language, "crisis.plan_button"), sign("plan", "show"))])  # first
    rows += [
        [(t(language, "crisis.grounding_button"), sign("crisis", "grounding"))],
        [(t(language, "crisis.called_button"), sign("crisis", "called"))],
        [(t(language, "crisis.show_lines"), sign("crisis", "open"))],
    ]
    return rows


async def send_crisis(
    update: Update, context: BotContext, *, not_safe: bool = False, severity: str | None = None
) -> None:
    """Send the crisis message with the "are you safe?" buttons, in the crisis lane.

    `severity` (from risk detection) sets the words: a concern gets a gentle check-in (and a
    coping button), imminent danger the emergency-first words; None = they asked for help.
    If they blocked the bot, they are marked unreachable and Forbidden is raised.
    """
    services = context.services
    member = await current_member(update, context)
    language = language_of(update, context, member)
    country = (member.country if member else None) or services.settings.default_country
    text = render_crisis(
        services.t,
        language,
        services.content.crisis,
        country,
        not_safe=not_safe or severity == "imminent",
        gentle=severity == "concern",
    )
    t, sign = services.t, services.signer.sign
    buttons = [
        [
            (t(language, "crisis.safe"), sign("crisis", "safe")),
            (t(language, "crisis.not_safe"), sign("crisis", "notsafe")),
        ]
    ]
    if severity == "concern":
        buttons.append([(t(language, "cope.menu_button"), sign("cope", "open"))])
    try:
        await reply(update, context, text, buttons, lane=Lane.CRISIS)
    except Forbidden:
        await mark_unreachable(context.services, member)
        raise


async def message_reply(update: Update, context: BotContext) -> None:
    """A coordinator's reply to a "message the member" prompt: the bot sends it on."""
    message = update.effective_message
    if message is None or message.reply_to_message is None or update.effective_user is None:
        return
    prompts = context.services.crisis.alert_prompts
    escalation_id = prompts.get(message.reply_to_message.message_id)
    if escalation_id is None or not message.text:
        return  # an ordinary reply in the group: not for us
    services = context.services
    language = services.settings.default_language
    user = update.effective_user
    code = await alert_contact.message_member(
        services, escalation_id, message.text, by=user.id, name=user.full_name
    )
    key = "escalation.message_sent" if code else "escalation.message_closed"
    await reply(update, context, services.t(language, key, code=code or "?"), lane=Lane.CRISIS)
    raise ApplicationHandlerStop


def handlers(wiring: Wiring) -> Handlers:
    """/crisis, /sos, the crisis buttons, and coordinators' replies to "message the member"."""
    return [
        CommandHandler(["crisis", "sos"], crisis_command),
        CallbackQueryHandler(crisis_button, pattern=CRISIS_ANY),
        MessageHandler(
            wiring.coordinators & filters.REPLY & filters.TEXT & ~filters.COMMAND, message_reply
        ),
    ]
