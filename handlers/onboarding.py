"""Joining: /start, the welcome and privacy notice, and consent (nothing is stored before it)."""

from __future__ import annotations

from telegram import Update
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.services import BotContext
from handlers._common import current_member, language_of, reply
from handlers.support import help_now_row
from storage import members

CONSENT = "consent"


def consent_buttons(context: BotContext, language: str) -> list[list[tuple[str, str]]]:
    """[I agree] [Not now]."""
    t, sign = context.services.t, context.services.signer.sign
    return [
        [
            (t(language, "start.agree"), sign("start", "agree")),
            (t(language, "start.not_now"), sign("start", "decline")),
        ]
    ]


async def start(update: Update, context: BotContext) -> str | int:
    """Welcome a newcomer with the privacy notice, or greet a member who is back."""
    member = await current_member(update, context)
    language = language_of(update, context, member)
    t = context.services.t
    if member is not None:
        await reply(update, context, t(language, "start.welcome_back", alias=member.display_alias),
                    [help_now_row(context, language)])
        return ConversationHandler.END
    await reply(update, context, t(language, "start.welcome"))
    await reply(update, context, t(language, "start.privacy"), consent_buttons(context, language))
    return CONSENT


async def agree(update: Update, context: BotContext) -> str | int:
    """Record consent: the first moment anything about the person is stored."""
    query = update.callback_query
    assert query is not None and update.effective_user is not None
    await query.answer()
    services = context.services
    language = language_of(update, context)
    await members.create_on_consent(
        services.db,
        telegram_id=update.effective_user.id,
        language=language,
        country=services.settings.default_country,
        timezone=services.settings.default_timezone,
        now=services.clock.now(),
    )
    await query.edit_message_reply_markup(reply_markup=None)
    await reply(update, context, services.t(language, "start.agreed"))
    return ConversationHandler.END


async def decline(update: Update, context: BotContext) -> int:
    """Respect "not now": store nothing, leave the door open."""
    query = update.callback_query
    assert query is not None
    await query.answer()
    await query.edit_message_reply_markup(reply_markup=None)
    await reply(update, context, context.services.t(language_of(update, context), "start.declined"))
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


def conversation() -> ConversationHandler[BotContext]:
    """The onboarding flow; its state is persisted so it resumes after a restart."""
    return ConversationHandler(
        entry_points=[CommandHandler("start", start, filters.ChatType.PRIVATE)],
        states={
            CONSENT: [
                CallbackQueryHandler(agree, pattern=r"^start:agree~"),
                CallbackQueryHandler(decline, pattern=r"^start:decline~"),
                MessageHandler(~filters.COMMAND, ask_for_button),
            ],
        },
        fallbacks=[CommandHandler("start", start, filters.ChatType.PRIVATE)],
        name="onboarding",
        persistent=True,
        allow_reentry=True,
    )
