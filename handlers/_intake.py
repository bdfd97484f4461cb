"""Intake after consent: one question per step, answers stored as they come (resumable).

The ConversationHandler state is the step; `members.intake_step` mirrors it, so /start (or a
lost state) resumes at the same question.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import ConversationHandler

from bot.programme import help_menu, menus, onboarding
from bot.programme import intake as steps
from bot.services import BotContext
from handlers import _questions as questions
from handlers._common import answer_expired, current_member, language_of, member_help, reply
from handlers._edits import remove_buttons, set_buttons
from storage import members
from storage.members import Member

NS = "in"


async def ask(update: Update, context: BotContext, member: Member, step: str) -> str:
    """Send the question for `step` ("step n of m" first) and return it as the new state."""
    services = context.services
    text, buttons = questions.question(services, member, step, NS)
    number, total = steps.step_number(member.role, step, member.invited_at is not None)
    progress = services.t(member.language, "intake.progress", n=number, total=total)
    await reply(update, context, f"{progress}\n{text}", buttons)
    return step


async def _not_joined(update: Update, context: BotContext) -> int:
    """The member behind an old intake state is gone (/forget): point to /start."""
    language = language_of(update, context)
    if update.callback_query is not None:
        await answer_expired(update.callback_query, context, language)
    else:
        await reply(update, context, context.services.t(language, "common.not_a_member"))
    return ConversationHandler.END


async def on_button(update: Update, context: BotContext) -> str | int | None:
    """A press of the current step's button: store it, then redraw, move on or finish."""
    query = update.callback_query
    assert query is not None
    services = context.services
    member = await current_member(update, context)
    if member is None or member.intake_step is None:
        return await _not_joined(update, context)
    parts = services.signer.verify(query.data) or []
    step, value = parts[1], ":".join(parts[2:])
    if steps.SUB_STEPS.get(step, step) != steps.SUB_STEPS.get(
        member.intake_step, member.intake_step
    ):
        await answer_expired(query, context, member.language)
        return None
    outcome = await questions.apply_button(services, member, step, value)
    member = outcome.member
    if outcome.kind == "invalid":
        await query.answer(
            services.t(member.language, outcome.message or "common.use_buttons"), show_alert=True
        )
        return None
    await query.answer()
    if outcome.kind == "stay":  # a multi-choice toggle: redraw the ticks in place
        _, buttons = questions.question(services, member, step, NS)
        await set_buttons(query, buttons)
        return None
    await remove_buttons(query)
    return await _advance(
        update,
        context,
        member,
        outcome.step if outcome.kind == "goto" else steps.next_step(member.role, step),
    )


async def on_message(update: Update, context: BotContext) -> str | int | None:
    """Anything typed or sent during intake: a typed answer where one is allowed, else re-ask."""
    services = context.services
    member = await current_member(update, context)
    if member is None or member.intake_step is None:
        return await _not_joined(update, context)
    step = member.intake_step
    message = update.effective_message
    text = message.text if message is not None else None
    if step in questions.TEXT_STEPS and text:
        outcome = await questions.apply_text(services, member, step, text)
        if outcome.kind == "advance":
            return await _advance(
                update, context, outcome.member, steps.next_step(member.role, step)
            )
        await reply(update, context, services.t(member.language, outcome.message or ""))
        return await ask(update, context, member, step)
    key = "intake.type_alias" if step == "alias" else "common.use_buttons"
    await reply(update, context, services.t(member.language, key))
    return await ask(update, context, member, step)


async def _advance(
    update: Update, context: BotContext, member: Member, step: str | None
) -> str | int:
    """Go to `step`, or finish intake when there is none."""
    services = context.services
    if step is None:
        return await finish(update, context, member)
    member = await members.update_profile(
        services.db, member.id, services.clock.now(), intake_step=step
    )
    return await ask(update, context, member, step)


async def finish(update: Update, context: BotContext, member: Member) -> int:
    """Intake done: mentees become matchable, mentors go on to training."""
    services = context.services
    member = await onboarding.finish_intake(services, member)
    t, lang = services.t, member.language
    await menus.sync_member_menu(context.bot, services, member)
    if member.role == "mentor":
        first = services.content.training.modules[0].order
        buttons = [[(t(lang, "training.start_button"), services.signer.sign("tr", "next", first))]]
        await reply(update, context, t(lang, "intake.done_mentor", code=member.code), buttons)
    else:  # goals for the mentorship can be set right away (or later with /goals)
        buttons = [[(t(lang, "goals.set_one"), services.signer.sign("gl", "add"))]]
        await reply(update, context, t(lang, "intake.done_mentee", code=member.code), buttons)
    return ConversationHandler.END


async def help_then_resume(update: Update, context: BotContext) -> str | None:
    """/help in the middle of joining: the help, then the question they were on."""
    member = await current_member(update, context)
    await reply(
        update,
        context,
        member_help(context, language_of(update, context, member), help_menu.help_role(member)),
    )
    if member is None or member.intake_step is None:
        return None
    return await ask(update, context, member, member.intake_step)
