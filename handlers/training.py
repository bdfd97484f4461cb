"""Mentor training: each module's lesson, then its questions with feedback; progress is stored.

Where a mentor is comes from the database (first question not yet answered correctly), so the
course resumes anywhere, and a button for any other question is answered as expired.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot.catalog.training import Module, Question
from bot.core.callbacks import NUMBER, shape
from bot.programme.approval import training_finished
from bot.services import BotContext, Services
from handlers._common import Button, answer_expired, current_member, language_of, reply
from handlers._edits import remove_buttons
from storage import training
from storage.members import Member

if TYPE_CHECKING:  # annotations only
    from handlers._common import Handlers, Wiring

NS = "tr"


async def position(services: Services, member: Member) -> tuple[Module, Question] | None:
    """The module and question the mentor is on; None when every question is passed."""
    passed = await training.passed(services.db, member.id)
    for module in services.content.training.modules:
        for question in module.questions:
            if (module.id, question.id) not in passed:
                return module, question
    return None


async def _attempts(services: Services, member: Member, module: Module, question: Question) -> int:
    """Answers given so far to this question (part of its buttons, so old copies expire)."""
    for answered in await training.progress(services.db, member.id):
        if (answered.module_id, answered.question_id) == (module.id, question.id):
            return answered.attempts
    return 0


async def _question_view(
    services: Services, member: Member, module: Module, question: Question
) -> tuple[str, list[list[Button]]]:
    """The question and one button per choice."""
    lang, sign = member.language, services.signer.sign
    index = module.questions.index(question)
    tries = await _attempts(services, member, module, question)
    buttons = [
        [(choice.text.get(lang), sign(NS, "a", module.order, index, number, tries))]
        for number, choice in enumerate(question.choices)
    ]
    return f"❓ {question.prompt.get(lang)}", buttons


async def _show_current(update: Update, context: BotContext, member: Member) -> None:
    """Send the lesson (when at a module's first question) and the current question."""
    services = context.services
    spot = await position(services, member)
    if spot is None:
        await reply(update, context, services.t(member.language, "training.all_done"))
        return
    module, question = spot
    lang, total = member.language, len(services.content.training.modules)
    number = services.content.training.modules.index(module) + 1
    if question is module.questions[0]:
        header = services.t(
            lang,
            "training.module_header",
            n=number,
            total=total,
            title=module.title.get(lang),
            minutes=module.minutes,
        )
        await reply(update, context, f"{header}\n\n{module.lesson.get(lang)}")
    text, buttons = await _question_view(services, member, module, question)
    await reply(update, context, text, buttons)


async def _trainee(update: Update, context: BotContext) -> Member | None:
    """The member if they are a mentor in training."""
    member = await current_member(update, context)
    if member is None or member.role != "mentor" or member.status != "training":
        return None
    return member


async def training_command(update: Update, context: BotContext) -> None:
    """/training: progress, and the next step of the course."""
    services = context.services
    member = await current_member(update, context)
    lang = language_of(update, context, member)
    if member is None or member.role != "mentor" or member.intake_done_at is None:
        await reply(update, context, services.t(lang, "training.mentors_only"))
        return
    if member.status != "training":
        await reply(update, context, services.t(lang, "training.all_done"))
        return
    passed = await training.passed(services.db, member.id)
    modules = services.content.training.modules
    done = sum(all((m.id, q.id) in passed for q in m.questions) for m in modules)
    await reply(
        update, context, services.t(lang, "training.progress", done=done, total=len(modules))
    )
    await _show_current(update, context, member)


async def next_button(update: Update, context: BotContext) -> None:
    """[Start training] / [Next module]: only valid for the module the mentor is on."""
    query = update.callback_query
    assert query is not None
    services = context.services
    member = await _trainee(update, context)
    parts = services.signer.verify(query.data) or []
    spot = await position(services, member) if member else None
    if member is None or spot is None or (parts[2:] and parts[2] != str(spot[0].order)):
        await answer_expired(query, context, language_of(update, context, member))
        return
    await query.answer()
    await remove_buttons(query)
    await _show_current(update, context, member)


async def answer_button(update: Update, context: BotContext) -> None:
    """An answer: feedback, then the same question again (wrong) or the next step (right)."""
    query = update.callback_query
    assert query is not None
    services = context.services
    member = await _trainee(update, context)
    parts = services.signer.verify(query.data) or []
    spot = await position(services, member) if member else None
    if member is None or spot is None or len(parts) != 6:
        await answer_expired(query, context, language_of(update, context, member))
        return
    module, question = spot
    order, index, number, tries = parts[2], int(parts[3]), int(parts[4]), int(parts[5])
    if (
        order != str(module.order)
        or index != module.questions.index(question)
        or not 0 <= number < len(question.choices)
        or tries != await _attempts(services, member, module, question)
    ):
        await answer_expired(query, context, member.language)
        return
    choice = question.choices[number]
    await training.record_answer(
        services.db,
        member.id,
        module.id,
        question.id,
        correct=choice.correct,
        now=services.clock.now(),
    )
    await query.answer()
    await remove_buttons(query)
    lang, t = member.language, services.t
    mark = "training.right" if choice.correct else "training.wrong"
    await reply(update, context, f"{t(lang, mark)} {choice.feedback.get(lang)}")
    if not choice.correct:
        text, buttons = await _question_view(services, member, module, question)
        await reply(update, context, text, buttons)
        return
    following = await position(services, member)
    if following is None:
        await _finish(update, context, member)
    elif following[0] is module:
        text, buttons = await _question_view(services, member, *following)
        await reply(update, context, text, buttons)
    else:
        modules = services.content.training.modules
        done = modules.index(module) + 1
        buttons = [
            [
                (
                    t(lang, "training.next_button"),
                    services.signer.sign(NS, "next", following[0].order),
                )
            ]
        ]
        await reply(
            update,
            context,
            t(
                lang,
                "training.module_done",
                title=module.title.get(lang),
                done=done,
                total=len(modules),
            ),
            buttons,
        )


async def _finish(update: Update, context: BotContext, member: Member) -> None:
    """Every module passed: awaiting a coordinator's approval, and the coordinators are told."""
    member = await training_finished(context.services, member)
    await reply(update, context, context.services.t(member.language, "training.finished"))


def handlers(wiring: Wiring) -> Handlers:
    """/training and the module buttons (private chats)."""
    return [
        CommandHandler("training", training_command, filters.ChatType.PRIVATE),
        CallbackQueryHandler(next_button, pattern=shape("tr", "next", NUMBER)),
        CallbackQueryHandler(answer_button, pattern=shape("tr", "a", *[NUMBER] * 4)),
    ]
