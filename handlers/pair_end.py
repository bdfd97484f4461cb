"""A member ends a pair: /end, which pair, optional reasons or [Keep going], the exit survey."""

from __future__ import annotations

from typing import TYPE_CHECKING

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot.core.callbacks import NUMBER, choice, shape
from bot.programme import closure
from bot.services import BotContext
from handlers._common import Button, answer_expired_press, current_member, reply
from handlers._edits import drop_buttons, edit_pressed
from handlers._pair_press import member_and_pair, partner_alias, pressed_pair
from storage import pairs

if TYPE_CHECKING:  # annotations only
    from handlers._common import Handlers, Wiring

END_REASONS = ("done", "fit", "life", "none")


def _end_buttons(context: BotContext, language: str, pair: pairs.Pair) -> list[list[Button]]:
    """Reason buttons (all optional in spirit: 'rather not say' is one) and [Keep going]."""
    t, sign = context.services.t, context.services.signer.sign
    rows: list[list[Button]] = [
        [(t(language, f"pair.end_reason_{reason}"), sign("pair", "end", pair.id, reason))]
        for reason in END_REASONS
    ]
    return [*rows, [(t(language, "pair.end_keep"), sign("pair", "keep", pair.id))]]


async def end_command(update: Update, context: BotContext) -> None:
    """/end: ask which pair (a mentor may have several), then confirm with optional reasons."""
    member = await current_member(update, context)
    services = context.services
    language = (
        member.language
        if member
        else services.t.language_for(
            update.effective_user.language_code if update.effective_user else None
        )
    )
    current = await pairs.current_pairs_of(services.db, member.id) if member else []
    if member is None or not current:
        await reply(update, context, services.t(language, "pair.end_none"))
        return
    if len(current) > 1:
        buttons = [
            [
                (
                    services.t(
                        language,
                        "pair.end_with",
                        partner=await partner_alias(context, pair, member),
                    ),
                    services.signer.sign("pair", "endpick", pair.id),
                )
            ]
            for pair in current
        ]
        await reply(update, context, services.t(language, "pair.end_pick"), buttons)
        return
    pair = current[0]
    await reply(
        update,
        context,
        services.t(
            language, "pair.end_confirm", partner=await partner_alias(context, pair, member)
        ),
        _end_buttons(context, language, pair),
    )


async def end_pick_button(update: Update, context: BotContext) -> None:
    """A mentor picked which pair to end: confirm it."""
    pressed = await pressed_pair(update, context)
    if pressed is None:
        return
    member, pair, _ = pressed
    await reply(
        update,
        context,
        context.services.t(
            member.language, "pair.end_confirm", partner=await partner_alias(context, pair, member)
        ),
        _end_buttons(context, member.language, pair),
    )


async def end_button(update: Update, context: BotContext) -> None:
    """A reason was chosen: end the pair (closing words and survey come through the outbox)."""
    query = update.callback_query
    assert query is not None
    member, pair, parts = await member_and_pair(update, context)
    reason = parts[3] if len(parts) > 3 else ""
    if member is None or pair is None or pair.status == "ended" or reason not in END_REASONS:
        await answer_expired_press(update, context)
        return
    role = pair.role_of(member.id)
    assert role is not None
    label = context.services.t(
        context.services.settings.default_language, f"pair.end_reason_{reason}"
    )
    closed = await closure.close_pair(context.services, pair.id, reason=label, ended_by=role)
    if closed is None:
        await answer_expired_press(update, context)
        return
    await query.answer()
    await drop_buttons(query)


async def keep_button(update: Update, context: BotContext) -> None:
    """[Keep going]: nothing changes."""
    pressed = await pressed_pair(update, context, open_only=False)
    if pressed is None:
        return
    member = pressed[0]
    await reply(update, context, context.services.t(member.language, "pair.end_kept"))


async def survey_button(update: Update, context: BotContext) -> None:
    """One exit-survey answer: the same message turns into the next question."""
    query = update.callback_query
    assert query is not None
    member, pair, parts = await member_and_pair(update, context)
    if member is None or pair is None:
        await answer_expired_press(update, context)
        return
    outcome, text, buttons = await closure.answer_survey(
        context.services, pair.id, member, int(parts[3]), parts[4]
    )
    if outcome == "stale" or text is None:
        await answer_expired_press(update, context)
        return
    await query.answer()
    await edit_pressed(context, query, text, buttons)


def handlers(wiring: Wiring) -> Handlers:
    """Every handler for ending a pair and its exit survey."""
    return [
        CommandHandler("end", end_command, filters.ChatType.PRIVATE),
        CallbackQueryHandler(end_pick_button, pattern=shape("pair", "endpick", NUMBER)),
        CallbackQueryHandler(
            end_button, pattern=shape("pair", "end", NUMBER, choice(*END_REASONS))
        ),
        CallbackQueryHandler(keep_button, pattern=shape("pair", "keep", NUMBER)),
        # pair:sv:<pair>:<question>:<answer, or x to skip> (bot/programme/closure.survey_step).
        CallbackQueryHandler(
            survey_button, pattern=shape("pair", "sv", NUMBER, NUMBER, "[a-z0-9]+")
        ),
    ]
