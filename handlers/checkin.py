"""The weekly check-in: /checkin or the prompt's button, questions, measures when due, summary.

One check-in per ISO week (a second one replaces the first). Progress lives in the
`checkin_drafts` table and the flow state is persisted, so it resumes after a restart.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, cast

from telegram import Update
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.catalog.checkins import CheckinContent, Measure
from bot.core.callbacks import NUMBER, shape
from bot.programme import checkin_extras, checkin_summary
from bot.programme.checkins import iso_week, plan_steps
from bot.services import BotContext
from handlers._common import (
    Button,
    answer_expired,
    current_member,
    detected_risk,
    language_of,
    reply,
)
from handlers._edits import remove_buttons
from handlers._risk_reply import respond_to_risk
from storage import checkins
from storage.checkins import Draft
from storage.members import Member

if TYPE_CHECKING:  # annotations only
    from handlers._common import Handlers, Wiring

ANSWERING = "answering"
NOTE_MAX_CHARS = 3000
# checkin:a:<ISO week>:<step position>:<value 0-9, or s to skip> (see step_buttons).
ANSWER_PATTERN = shape("checkin", "a", r"\d{4}-W\d{2}", NUMBER, r"(?:\d|s)")


def measures(content: CheckinContent) -> Mapping[str, Measure]:
    """The measures by name, for names read from a (signed) button or a planned step."""
    # The catalog types its keys as the known names; a payload is a plain str.
    return cast(Mapping[str, Measure], content.measures)


async def start(update: Update, context: BotContext) -> str | int:
    """Begin this week's check-in, or resume the one in progress."""
    services = context.services
    if update.callback_query is not None:
        await update.callback_query.answer()
    member = await current_member(update, context)
    language = language_of(update, context, member)
    if member is None:
        await reply(update, context, services.t(language, "common.not_a_member"))
        return ConversationHandler.END
    if member.role == "mentor":
        await reply(update, context, services.t(language, "checkin.for_mentees"))
        return ConversationHandler.END
    now = services.clock.now()
    period = iso_week(now, member.timezone)
    draft = await checkins.get_draft(services.db, member.id)
    if draft is not None and draft.period == period and draft.step is not None:
        await reply(update, context, services.t(language, "checkin.resume"))
        await ask(update, context, member, draft)
        return ANSWERING
    due = await checkin_summary.due_measures(services, member, now)
    first, goal_ids = await checkin_extras.plan_extras(services, member)
    plan = plan_steps(services.content.checkins, due, first=first, goal_ids=goal_ids)
    draft = await checkins.start_draft(services.db, member.id, period, plan, now)
    already = await checkin_summary.has_checkin(services, member, period)
    await reply(
        update, context, services.t(language, "checkin.again" if already else "checkin.intro")
    )
    await ask(update, context, member, draft)
    return ANSWERING


def step_buttons(context: BotContext, member: Member, draft: Draft) -> list[list[Button]]:
    """The buttons of the current step (signed with the step's position, so old ones expire)."""
    services, language = context.services, member.language
    t, sign = services.t, services.signer.sign
    step = draft.step or ""
    content = services.content.checkins

    def button(label: str, value: object) -> Button:
        """A button answering the current step."""
        # The week and position travel in the button, so any earlier step's button expires.
        return (label, sign("checkin", "a", draft.period, draft.position, value))

    kind, _, rest = step.partition(":")
    if kind == "q":
        question = content.question(rest)
        assert question is not None
        if question.kind in ("scale", "choice"):
            rows = [[button(o.label.get(language), o.value) for o in question.options]]
        elif question.kind == "yes_no":
            rows = [[button(t(language, "checkin.yes"), 1), button(t(language, "checkin.no"), 0)]]
        else:
            rows = []
        if question.optional:
            rows.append([button(t(language, "checkin.skip"), "s")])
        return rows
    if kind == "share":
        return [
            [button(t(language, "checkin.share_yes"), 1)],
            [button(t(language, "checkin.share_no"), 0)],
        ]
    if kind == "p":
        yes, no = ("note_ask", "note_never") if rest == "note" else ("share", "keep")
        return [
            [button(t(language, f"sharing.{yes}"), 1)],
            [button(t(language, f"sharing.{no}"), 0)],
        ]
    if kind == "g":
        return [[button(t(language, f"goals.progress_{value}"), value)] for value in range(4)]
    instrument = rest.split(":")[0]
    measure = measures(content)[instrument]
    return [[button(option.label.get(language), option.value)] for option in measure.answers]


def step_text(context: BotContext, member: Member, draft: Draft) -> str:
    """The question of the current step."""
    services, language = context.services, member.language
    content = services.content.checkins
    kind, _, rest = (draft.step or "").partition(":")
    if kind == "q":
        question = content.question(rest)
        assert question is not None
        return services.t(language, "checkin.question", text=question.text.get(language))
    if kind == "share":
        return services.t(language, "checkin.share_question")
    instrument, _, index = rest.partition(":")
    measure = measures(content)[instrument]
    item = services.t(
        language,
        "checkin.measure_item",
        number=int(index) + 1,
        total=len(measure.items),
        text=measure.items[int(index)].get(language),
    )
    if index == "0":
        return services.t(language, "checkin.measure_intro", intro=measure.intro.get(language)) + (
            "\n\n" + item
        )
    return item


async def ask(update: Update, context: BotContext, member: Member, draft: Draft) -> None:
    """Send the current step's question with its buttons."""
    step = draft.step or ""
    text = (
        await checkin_extras.extra_step_text(context.services, member, draft)
        if step[:2] in ("p:", "g:")
        else step_text(context, member, draft)
    )
    await reply(update, context, text, step_buttons(context, member, draft) or None)


def _valid_value(context: BotContext, draft: Draft, value: str) -> int | None:
    """The answer as a number if it is one the current step offers."""
    content = context.services.content.checkins
    kind, _, rest = (draft.step or "").partition(":")
    if kind == "q":
        question = content.question(rest)
        if question is None:
            return None
        if value == "s" and question.optional:
            return -1
        allowed = {o.value for o in question.options} if question.options else {0, 1}
        if question.kind == "text":
            allowed = set()
    elif kind in ("share", "p"):
        allowed = {0, 1}
    elif kind == "g":
        allowed = {0, 1, 2, 3}
    else:
        allowed = {o.value for o in measures(content)[rest.split(":")[0]].answers}
    return int(value) if value.isdigit() and int(value) in allowed else None


async def answer_button(update: Update, context: BotContext) -> str | int:
    """A button answer: store it and ask the next step, or finish."""
    query = update.callback_query
    assert query is not None
    services = context.services
    parts = services.signer.verify(query.data) or []
    member = await current_member(update, context)
    draft = await checkins.get_draft(services.db, member.id) if member else None
    if member is None or draft is None or draft.step is None:
        await _expired(update, context, member)
        return ConversationHandler.END
    value = _valid_value(context, draft, parts[4]) if len(parts) == 5 else None
    if parts[2:4] != [draft.period, str(draft.position)] or value is None:
        await _expired(update, context, member)
        return ANSWERING
    await query.answer()
    await remove_buttons(query)
    skip_share = draft.step.startswith("q:") and value == -1 and _next_is_share(draft)
    draft = await checkins.save_answer(
        services.db, draft, draft.step, value, services.clock.now(), skip_next=skip_share
    )
    return await _next(update, context, member, draft)


def _next_is_share(draft: Draft) -> bool:
    """Is the step after the current one the "may your mentor see it?" choice?"""
    following = draft.plan[draft.position + 1] if draft.position + 1 < len(draft.plan) else ""
    return following.startswith("share:")


async def answer_text(update: Update, context: BotContext) -> str | int:
    """Typed text: the note if that is the question, else a gentle re-ask with the buttons."""
    services = context.services
    message = update.effective_message
    assert message is not None
    member = await current_member(update, context)
    draft = await checkins.get_draft(services.db, member.id) if member else None
    if member is None or draft is None or draft.step is None:
        # The draft expired (or the member left): say so rather than swallow the message.
        await reply(
            update, context, services.t(language_of(update, context, member), "checkin.expired")
        )
        return ConversationHandler.END
    question = services.content.checkins.question(draft.step.partition(":")[2])
    if draft.step.startswith("q:") and question is not None and question.kind == "text":
        text = message.text or ""
        if not text.strip():
            await ask(update, context, member, draft)
            return ANSWERING
        # The safety screen (group -1) usually saw it first; never answer the same words twice.
        if detected_risk(update, context) is None:
            await respond_to_risk(update, context, text, source="checkin")
        draft = await checkins.save_answer(
            services.db, draft, draft.step, 1, services.clock.now(), note=text[:NOTE_MAX_CHARS]
        )
        return await _next(update, context, member, draft)
    await reply(
        update,
        context,
        services.t(member.language, "common.use_buttons"),
        step_buttons(context, member, draft),
    )
    return ANSWERING


async def _next(update: Update, context: BotContext, member: Member, draft: Draft) -> str | int:
    """Ask the next step, or finish the check-in."""
    draft = await checkin_extras.skip_unasked(context.services, member, draft)
    if draft.step is not None:
        await ask(update, context, member, draft)
        return ANSWERING
    for text, buttons in await checkin_summary.finish(context.services, member, draft):
        await reply(update, context, text, buttons)
    return ConversationHandler.END


async def _expired(update: Update, context: BotContext, member: Member | None) -> None:
    """A button from an earlier step or check-in."""
    assert update.callback_query is not None
    language = language_of(update, context, member)
    await answer_expired(update.callback_query, context, language)


def conversation() -> ConversationHandler[BotContext]:
    """The check-in flow; persisted so it resumes after a restart."""
    entry: Handlers = [
        CommandHandler("checkin", start, filters.ChatType.PRIVATE),
        CallbackQueryHandler(start, pattern=shape("checkin", "start")),
    ]
    return ConversationHandler(
        entry_points=entry,
        states={
            ANSWERING: [
                CallbackQueryHandler(answer_button, pattern=ANSWER_PATTERN),
                MessageHandler(
                    filters.UpdateType.MESSAGE & filters.ChatType.PRIVATE & ~filters.COMMAND,
                    answer_text,
                ),
            ],
        },
        fallbacks=entry,
        name="checkin",
        persistent=True,
        allow_reentry=True,
    )


def handlers(wiring: Wiring) -> Handlers:
    """The check-in conversation."""
    return [conversation()]
