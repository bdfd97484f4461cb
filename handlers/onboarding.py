"""Joining: /start, the welcome and privacy notice, consent (nothing is stored before it), then
the intake questions (handlers/_intake.py). One persistent ConversationHandler, "onboarding"."""

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

from bot.core.callbacks import VALUE, choice, shape
from bot.programme import intake as steps
from bot.programme import onboarding
from bot.programme.sharing import defaults_sentence
from bot.safety import youth
from bot.services import BotContext
from handlers import _intake as intake
from handlers import _invite_link as invite
from handlers._common import current_member, help_now_row, language_of, reply
from handlers._edits import remove_buttons

if TYPE_CHECKING:  # annotations only
    from handlers._common import Handlers, Wiring

CONSENT = "consent"


def consent_buttons(
    context: BotContext, language: str, invite_id: int | None = None
) -> list[list[tuple[str, str]]]:
    """[I agree (I'm 18 or over)] [Not now] / [I'm under 18] ([I agree] carries a checked
    invite's id)."""
    t, sign = context.services.t, context.services.signer.sign
    age = context.services.settings.minimum_age
    agree_data = sign("start", "agree", f"i{invite_id}") if invite_id else sign("start", "agree")
    return [
        [
            (t(language, "start.agree", age=age), agree_data),
            (t(language, "start.not_now"), sign("start", "decline")),
        ],
        [(t(language, "start.under_age", age=age), sign("start", "young"))],
    ]


async def start(update: Update, context: BotContext) -> str | int:
    """Welcome a newcomer with the privacy notice, resume an unfinished intake, or greet."""
    member = await current_member(update, context)
    language = language_of(update, context, member)
    t = context.services.t
    if member is not None and member.intake_step:
        await reply(update, context, t(language, "intake.resume"))
        return await intake.ask(update, context, member, member.intake_step)
    if member is not None:
        await reply(
            update,
            context,
            t(language, "start.welcome_back", alias=member.display_alias),
            [help_now_row(context, language)],
        )
        return ConversationHandler.END
    await reply(update, context, t(language, "start.welcome"))
    invite_id = await invite.read_start_payload(update, context, language)
    sharing = defaults_sentence(t, language, context.services.content.checkins)
    await reply(
        update,
        context,
        t(language, "start.privacy", sharing=sharing, age=context.services.settings.minimum_age),
        consent_buttons(context, language, invite_id),
    )
    return CONSENT


async def agree(update: Update, context: BotContext) -> str | int:
    """Record consent (the first moment anything about the person is stored), then ask the role."""
    query = update.callback_query
    assert query is not None and update.effective_user is not None
    await query.answer()
    services = context.services
    language = language_of(update, context)
    existing = await current_member(update, context)
    member = await onboarding.consent(services, update.effective_user.id, language)
    await remove_buttons(query)
    if existing is not None:  # consented already (e.g. on another device): just carry on
        return await start(update, context)
    member = await onboarding.start_intake(services, member)
    await reply(update, context, services.t(language, "start.agreed"))
    member = await invite.apply_on_consent(update, context, member, language)
    return await intake.ask(update, context, member, steps.MENTEE_STEPS[0])


async def decline(update: Update, context: BotContext) -> int:
    """Respect "not now": store nothing, leave the door open."""
    query = update.callback_query
    assert query is not None
    await query.answer()
    await remove_buttons(query)
    await reply(update, context, context.services.t(language_of(update, context), "start.declined"))
    return ConversationHandler.END


async def too_young(update: Update, context: BotContext) -> str | int:
    """Under the minimum age: a kind no, youth helplines for their country, nothing stored."""
    query = update.callback_query
    assert query is not None
    await query.answer()
    await remove_buttons(query)
    services = context.services
    if await current_member(update, context) is not None:  # consented on another device
        return await start(update, context)
    language = language_of(update, context)
    user = update.effective_user
    country = youth.country_from_language_code(
        user.language_code if user else None, services.settings.default_country
    )
    await reply(
        update,
        context,
        youth.render_too_young(
            services.t, language, services.content, country, services.settings.minimum_age
        ),
    )
    return ConversationHandler.END


async def ask_for_button(update: Update, context: BotContext) -> str:
    """Free text, a sticker or a photo where a button was expected: ask again, with the buttons."""
    language = language_of(update, context)
    await reply(
        update,
        context,
        context.services.t(language, "common.use_buttons"),
        consent_buttons(context, language),
    )
    return CONSENT


def _intake_state(step: str) -> Handlers:
    """Handlers for one intake step: its own buttons, and anything typed or sent."""
    # "Is this your time zone?" offers [Yes] (tzpick:<zone>) and [Another] (tz:pick).
    step_names = choice("tz", "tzpick") if step == "tz" else step
    return [
        CallbackQueryHandler(intake.on_button, pattern=shape("in", step_names, VALUE)),
        MessageHandler(~filters.COMMAND, intake.on_message),
    ]


def conversation() -> ConversationHandler[BotContext]:
    """The onboarding flow; its state is persisted so it resumes after a restart."""
    all_steps = sorted({*steps.MENTEE_STEPS, *steps.MENTOR_STEPS, *steps.SUB_STEPS})
    states: dict[object, Handlers] = {
        CONSENT: [
            CallbackQueryHandler(agree, pattern=shape("start", "agree")),
            CallbackQueryHandler(agree, pattern=shape("start", "agree", r"i\d{1,12}")),
            CallbackQueryHandler(decline, pattern=shape("start", "decline")),
            CallbackQueryHandler(too_young, pattern=shape("start", "young")),
            MessageHandler(~filters.COMMAND, ask_for_button),
        ],
    }
    states.update({step: _intake_state(step) for step in all_steps})
    return ConversationHandler(
        entry_points=[CommandHandler("start", start, filters.ChatType.PRIVATE)],
        states=states,
        fallbacks=[
            CommandHandler("start", start, filters.ChatType.PRIVATE),
            CommandHandler("help", intake.help_then_resume, filters.ChatType.PRIVATE),
        ],
        name="onboarding",
        persistent=True,
        allow_reentry=True,
    )


def handlers(wiring: Wiring) -> Handlers:
    """The onboarding conversation (/start, consent and the intake questions)."""
    return [conversation()]
