"""Coordinators' group: crisis alerts ([I'm on it], [Resolved] + outcome) and /escalations."""

from __future__ import annotations

from typing import TYPE_CHECKING

from telegram import ForceReply, ReplyParameters, Update
from telegram.constants import ParseMode
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.core import words
from bot.core.callbacks import NUMBER, choice, payload_parts, shape
from bot.core.clock import from_db
from bot.delivery.lanes import Lane, lane_args
from bot.safety import alert_contact
from bot.safety import escalation_lifecycle as lifecycle
from bot.safety.escalation import alert_view, member_of
from bot.services import BotContext
from handlers._common import Button, answer_expired, reply
from handlers._coordinators import coordinator_commands, coordinator_language
from handlers._edits import edit_pressed
from storage import escalations, pairs
from storage.escalations import Escalation

if TYPE_CHECKING:  # annotations only
    from handlers._common import Handlers, Wiring

coordinator_commands("escalations")
MAX_LISTED = 20  # keeps /escalations well under Telegram's 4096 characters


async def _show(
    update: Update,
    context: BotContext,
    escalation: Escalation,
    buttons: list[list[Button]] | None = None,
) -> None:
    """Redraw the pressed alert message with the escalation's current state."""
    query = update.callback_query
    assert query is not None
    text, default_buttons = await alert_view(
        context.services, escalation, await member_of(context.services, escalation)
    )
    shown = default_buttons if buttons is None else buttons
    if query.message is not None and query.message.chat.type == "private":
        # A fallback coordinator's private copy: writing to the member works from the group only.
        shown = [row for row in shown if not any(":msg:" in data for _label, data in row)]
    await edit_pressed(context, query, text, shown, Lane.CRISIS)


async def claim_button(update: Update, context: BotContext) -> None:
    """[I'm on it]: the first coordinator to press it owns the alert; others are told who."""
    query = update.callback_query
    assert query is not None and query.message is not None and update.effective_user is not None
    services, language = context.services, coordinator_language(context)
    user = update.effective_user
    result = await lifecycle.claim(
        services, int(payload_parts(query.data)[3]), by=user.id, name=user.full_name
    )
    escalation = result.escalation
    if escalation is None:
        await answer_expired(query, context, language)
        return
    if result.changed:
        await query.answer(services.t(language, "escalation.claim_toast"))
    elif escalation.status == "resolved":
        await query.answer(services.t(language, "escalation.already_resolved"), show_alert=True)
    else:
        await query.answer(
            services.t(language, "escalation.already_claimed", name=escalation.claimed_by_name),
            show_alert=True,
        )
    if payload_parts(query.data)[4:] == ["l"]:  # pressed in the /escalations list: redraw it
        if result.changed:
            await lifecycle.refresh_alert(services, escalation, pressed_message_id=None)
        text, rows = await _list_view(context)
        await edit_pressed(context, query, text, rows, Lane.CRISIS)
        return
    await _show(update, context, escalation)
    await lifecycle.refresh_alert(services, escalation, query.message.message_id)


async def resolve_button(update: Update, context: BotContext) -> None:
    """[Resolved]: ask for the outcome with buttons (nothing is recorded yet)."""
    query = update.callback_query
    assert query is not None
    services, language = context.services, coordinator_language(context)
    escalation = await escalations.get(services.db, int(payload_parts(query.data)[3]))
    if escalation is None or escalation.status != "claimed":
        await answer_expired(query, context, language)
        if escalation is not None:
            await _show(update, context, escalation)
        return
    await query.answer()
    sign, t = services.signer.sign, services.t
    options: list[Button] = [
        (
            t(language, f"escalation.outcome_{outcome}"),
            sign("co", "esc", "out", escalation.id, outcome),
        )
        for outcome in lifecycle.OUTCOMES
    ]
    rows = [options[index : index + 2] for index in range(0, len(options), 2)]
    rows.append([(t(language, "escalation.back"), sign("co", "esc", "back", escalation.id))])
    await _show(update, context, escalation, rows)


async def outcome_button(update: Update, context: BotContext) -> None:
    """An outcome: resolve the alert, record who, when and how long it took."""
    query = update.callback_query
    assert query is not None and query.message is not None and update.effective_user is not None
    services, language = context.services, coordinator_language(context)
    parts = payload_parts(query.data)
    if len(parts) != 5 or parts[4] not in lifecycle.OUTCOMES:
        await answer_expired(query, context, language)
        return
    user = update.effective_user
    result = await lifecycle.resolve(
        services, int(parts[3]), by=user.id, name=user.full_name, outcome=parts[4]
    )
    if result.escalation is None:
        await answer_expired(query, context, language)
        return
    key = "escalation.resolved_toast" if result.changed else "escalation.already_resolved"
    await query.answer(services.t(language, key))
    await _show(update, context, result.escalation)
    await lifecycle.refresh_alert(services, result.escalation, query.message.message_id)


async def back_button(update: Update, context: BotContext) -> None:
    """[Back] from the outcome choice: show the alert as it is."""
    query = update.callback_query
    assert query is not None
    escalation = await escalations.get(context.services.db, int(payload_parts(query.data)[3]))
    await query.answer()
    if escalation is not None:
        await _show(update, context, escalation)


async def message_button(update: Update, context: BotContext) -> None:
    """[✉️ Message the member]: ask the coordinator to reply with the words to send."""
    query = update.callback_query
    assert query is not None and query.message is not None and update.effective_user is not None
    services, language = context.services, coordinator_language(context)
    escalation = await escalations.get(services.db, int(payload_parts(query.data)[3]))
    if escalation is None or await alert_contact.reach(services, escalation) is None:
        await query.answer(services.t(language, "escalation.message_closed"), show_alert=True)
        return
    await query.answer()
    prompt = await context.bot.send_message(
        chat_id=query.message.chat.id,
        text=services.t(
            language,
            "escalation.message_prompt",
            name=update.effective_user.first_name,
            code=escalation.member_code or "?",
        ),
        parse_mode=ParseMode.HTML,
        reply_markup=ForceReply(selective=True),
        reply_parameters=ReplyParameters(
            query.message.message_id, allow_sending_without_reply=True
        ),
        rate_limit_args=lane_args(Lane.CRISIS),
    )
    services.crisis.alert_prompts[prompt.message_id] = escalation.id


async def list_command(update: Update, context: BotContext) -> None:
    """/escalations: every open alert with its age and who is on it, oldest first."""
    text, buttons = await _list_view(context)
    await reply(update, context, text, buttons or None)


async def _list_view(context: BotContext) -> tuple[str, list[list[Button]]]:
    """The open alerts as text, with an [I'm on it: #N] button for each unclaimed one."""
    services, language = context.services, coordinator_language(context)
    t, now = services.t, services.clock.now()
    open_ones = await escalations.open_escalations(services.db)
    if not open_ones:
        return t(language, "escalation.list_empty"), []
    lines = [t(language, "escalation.list_title", count=len(open_ones))]
    buttons: list[list[Button]] = []
    for escalation in open_ones[:MAX_LISTED]:
        pair = await pairs.get(services.db, escalation.pair_id) if escalation.pair_id else None
        state = (
            t(language, "escalation.state_claimed", name=escalation.claimed_by_name or "?")
            if escalation.status == "claimed"
            else t(language, "escalation.state_unclaimed")
        )
        lines.append(
            t(
                language,
                "escalation.list_item",
                id=escalation.id,
                severity=t(language, f"escalation.severity_{escalation.severity}"),
                code=escalation.member_code or "-",
                pair=pair.code if pair else "-",
                source=t(language, f"escalation.source_{escalation.source}"),
                age=words.ago(language, from_db(escalation.created_at) or now, now),
                state=state,
            )
        )
        if escalation.status == "open":
            data = services.signer.sign("co", "esc", "claim", escalation.id, "l")
            buttons.append([(t(language, "escalation.claim_numbered", id=escalation.id), data)])
    if len(open_ones) > MAX_LISTED:
        lines.append(t(language, "escalation.list_more", count=len(open_ones) - MAX_LISTED))
    return "\n".join(lines), buttons[:MAX_LISTED]


def handlers(wiring: Wiring) -> Handlers:
    """/escalations and the alert buttons (the gate keeps both to coordinators)."""
    return [
        CommandHandler("escalations", list_command, wiring.coordinators),
        CallbackQueryHandler(claim_button, pattern=shape("co", "esc", "claim", NUMBER)),
        CallbackQueryHandler(claim_button, pattern=shape("co", "esc", "claim", NUMBER, "l")),
        CallbackQueryHandler(resolve_button, pattern=shape("co", "esc", "resolve", NUMBER)),
        CallbackQueryHandler(
            outcome_button, pattern=shape("co", "esc", "out", NUMBER, choice(*lifecycle.OUTCOMES))
        ),
        CallbackQueryHandler(back_button, pattern=shape("co", "esc", "back", NUMBER)),
        CallbackQueryHandler(message_button, pattern=shape("co", "esc", "msg", NUMBER)),
    ]
