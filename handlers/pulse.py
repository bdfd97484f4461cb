"""The mentor's weekly pulse: how the mentoring is going, how they are, do they want support."""

from __future__ import annotations

from typing import TYPE_CHECKING

from telegram import Update
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.core.callbacks import choice, payload_parts, shape
from bot.programme.checkins import iso_week
from bot.programme.pulse import finish_pulse
from bot.services import BotContext
from handlers._common import Button, answer_expired, current_member, language_of, reply
from handlers._edits import remove_buttons
from storage import pulses
from storage.members import Member

if TYPE_CHECKING:  # annotations only
    from handlers._common import Handlers, Wiring

STEPS = ("going", "wellbeing", "wants_support")
# What each step's buttons offer; the pattern only says "one digit", the handler checks the range.
VALUES = {"going": range(1, 6), "wellbeing": range(1, 6), "wants_support": range(2)}


def step_buttons(context: BotContext, member: Member, step: str) -> list[list[Button]]:
    """1-5 for the two ratings, yes/no for support."""
    t, sign = context.services.t, context.services.signer.sign
    if step == "wants_support":
        return [
            [
                (t(member.language, "checkin.yes"), sign("pulse", "a", step, 1)),
                (t(member.language, "checkin.no"), sign("pulse", "a", step, 0)),
            ]
        ]
    return [[(str(value), sign("pulse", "a", step, value)) for value in range(1, 6)]]


async def ask(update: Update, context: BotContext, member: Member, step: str) -> str:
    """Ask one pulse question; the state is the step."""
    await reply(
        update,
        context,
        context.services.t(member.language, f"pulse.q_{step}"),
        step_buttons(context, member, step),
    )
    return step


async def start(update: Update, context: BotContext) -> str | int:
    """The pulse, from the weekly prompt's button or /pulse."""
    if update.callback_query is not None:
        await update.callback_query.answer()
    member = await current_member(update, context)
    language = language_of(update, context, member)
    if member is None or member.role != "mentor":
        await reply(update, context, context.services.t(language, "pulse.for_mentors"))
        return ConversationHandler.END
    period = iso_week(context.services.clock.now(), member.timezone)
    await pulses.reset(context.services.db, member.id, period)
    return await ask(update, context, member, STEPS[0])


async def answer(update: Update, context: BotContext) -> str | int | None:
    """Store one answer (stale buttons expire); after the last, act on low answers."""
    query = update.callback_query
    assert query is not None
    services = context.services
    _, _, step, digit = payload_parts(query.data)  # the registered shape guarantees these
    member = await current_member(update, context)
    if member is None:
        await answer_expired(query, context, language_of(update, context, member))
        return ConversationHandler.END
    value = int(digit)
    if value not in VALUES[step]:  # no such button (an older version's?): keep the question open
        await answer_expired(query, context, member.language)
        return None
    now = services.clock.now()
    period = iso_week(now, member.timezone)
    saved = await pulses.get(services.db, member.id, period) or {}
    expected = next((s for s in STEPS if saved.get(s) is None), None)
    if step != expected:
        await answer_expired(query, context, member.language)
        return expected or ConversationHandler.END
    await query.answer()
    await remove_buttons(query)
    await pulses.save(services.db, member.id, period, now, **{step: value})
    following = STEPS.index(step) + 1
    if following < len(STEPS):
        return await ask(update, context, member, STEPS[following])
    await finish(update, context, member, period)
    return ConversationHandler.END


async def finish(update: Update, context: BotContext, member: Member, period: str) -> None:
    """Thank the mentor; after a low answer or a request for support, offer self-care ideas."""
    t, language = context.services.t, member.language
    flags = await finish_pulse(context.services, member, period)
    if not (flags.low or flags.wants_support):
        await reply(update, context, t(language, "pulse.thanks"))
        return
    await reply(
        update,
        context,
        t(language, "pulse.support_coming" if flags.wants_support else "pulse.low_reply"),
    )
    await reply(update, context, self_care_text(context, member))


def self_care_text(context: BotContext, member: Member) -> str:
    """Self-care strategies from the coping library, as configured in checkins.yaml."""
    services, language = context.services, member.language
    library = services.content.coping
    lines = [services.t(language, "pulse.self_care_intro")]
    wanted = services.content.checkins.pulse.self_care_strategies
    for feeling in library.feelings.values():
        for strategy in feeling.strategies:
            if strategy.id in wanted:
                steps = "\n".join(f"• {step}" for step in strategy.steps.get(language))
                lines.append(
                    services.t(
                        language, "pulse.strategy", title=strategy.title.get(language), steps=steps
                    )
                )
    return "\n\n".join(lines)


async def use_buttons(update: Update, context: BotContext) -> str | int:
    """Text where buttons are expected: re-ask the current question."""
    member = await current_member(update, context)
    if member is None:
        return ConversationHandler.END
    period = iso_week(context.services.clock.now(), member.timezone)
    saved = await pulses.get(context.services.db, member.id, period) or {}
    step = next((s for s in STEPS if saved.get(s) is None), None)
    if step is None:
        return ConversationHandler.END
    await reply(
        update,
        context,
        context.services.t(member.language, "common.use_buttons"),
        step_buttons(context, member, step),
    )
    return step


def conversation() -> ConversationHandler[BotContext]:
    """The pulse flow, persisted."""
    entry: Handlers = [
        CommandHandler("pulse", start, filters.ChatType.PRIVATE),
        CallbackQueryHandler(start, pattern=shape("pulse", "start")),
    ]
    in_flow: Handlers = [
        CallbackQueryHandler(answer, pattern=shape("pulse", "a", choice(*STEPS), r"\d")),
        MessageHandler(
            filters.UpdateType.MESSAGE & filters.ChatType.PRIVATE & ~filters.COMMAND, use_buttons
        ),
    ]
    return ConversationHandler(
        entry_points=entry,
        states={step: in_flow for step in STEPS},
        fallbacks=entry,
        name="pulse",
        persistent=True,
        allow_reentry=True,
    )


def handlers(wiring: Wiring) -> Handlers:
    """The pulse survey conversation."""
    return [conversation()]
