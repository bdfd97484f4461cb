"""Telegram adapters. `register` is the one place that lists every handler and its group."""

from __future__ import annotations

from telegram import Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from handlers import (
    access,
    account,
    approve,
    data,
    errors,
    fallback,
    gate,
    onboarding,
    reachability,
    screening,
    settings,
    support,
    training,
)

# Groups run in order; within a group the first matching handler wins.
GATE, SAFETY, FLOWS = -3, -1, 0


def register(app: Application) -> None:  # type: ignore[type-arg]
    """Add every handler to the application, in priority order."""
    # -4..-2: drop replayed updates, forged buttons, and coordinator actions from non-coordinators.
    app.add_handler(TypeHandler(Update, gate.drop_replayed_update), group=GATE - 1)
    app.add_handler(TypeHandler(Update, gate.refuse_forged_button), group=GATE)
    app.add_handler(TypeHandler(Update, access.guard_coordinator_actions), group=GATE + 1)

    # -1: the crisis path, reachable from any state, before consent, mid-flow.
    app.add_handler(CommandHandler(["crisis", "sos"], support.crisis_command), group=SAFETY)
    app.add_handler(CallbackQueryHandler(support.crisis_button, pattern=r"^crisis:"), group=SAFETY)
    # Also -1 (disjoint filters): screen free text; does not stop the update.
    app.add_handler(MessageHandler(filters.ChatType.PRIVATE & (filters.TEXT | filters.CAPTION)
                                   & ~filters.COMMAND, screening.screen_message), group=SAFETY)

    # 0: flows, then the fallbacks that make sure nothing goes unanswered.
    app.add_handler(onboarding.conversation(), group=FLOWS)
    # Members (issue 3): settings, training, breaks, data rights, reachability, /approve.
    services = app.bot_data["services"]
    private = filters.ChatType.PRIVATE
    app.add_handler(
        MessageHandler(private & filters.TEXT & ~filters.COMMAND
                       & settings.AwaitingText(services), settings.on_text),
        group=FLOWS,
    )
    app.add_handler(CommandHandler("settings", settings.settings_command, private), group=FLOWS)
    app.add_handler(CallbackQueryHandler(settings.on_button, pattern=r"^st:"), group=FLOWS)
    app.add_handler(CommandHandler("training", training.training_command, private), group=FLOWS)
    app.add_handler(CallbackQueryHandler(training.next_button, pattern=r"^tr:next"), group=FLOWS)
    app.add_handler(CallbackQueryHandler(training.answer_button, pattern=r"^tr:a:"), group=FLOWS)
    app.add_handler(CommandHandler("pause", account.pause_command, private), group=FLOWS)
    app.add_handler(CommandHandler("resume", account.resume_command, private), group=FLOWS)
    app.add_handler(CommandHandler("stepback", account.stepback_command, private), group=FLOWS)
    app.add_handler(CallbackQueryHandler(account.pause_button, pattern=r"^ac:pause:"), group=FLOWS)
    app.add_handler(CallbackQueryHandler(account.stepback_button, pattern=r"^ac:back:"),
                    group=FLOWS)
    app.add_handler(CommandHandler("mydata", data.mydata_command, private), group=FLOWS)
    app.add_handler(CommandHandler("forget", data.forget_command, private), group=FLOWS)
    app.add_handler(CallbackQueryHandler(data.forget_button, pattern=r"^fg:"), group=FLOWS)
    app.add_handler(
        CommandHandler("approve", approve.approve_command,
                       filters.Chat(services.settings.coordinator_chat_id)),
        group=FLOWS,
    )
    app.add_handler(
        ChatMemberHandler(reachability.chat_member_changed, ChatMemberHandler.MY_CHAT_MEMBER),
        group=FLOWS,
    )
    app.add_handler(CommandHandler("help", fallback.help_command), group=FLOWS)
    app.add_handler(CallbackQueryHandler(fallback.expired_button), group=FLOWS)
    app.add_handler(
        MessageHandler(filters.COMMAND & filters.ChatType.PRIVATE, fallback.unknown_command),
        group=FLOWS,
    )
    app.add_handler(
        MessageHandler(filters.ChatType.PRIVATE & ~filters.COMMAND, fallback.private_message),
        group=FLOWS,
    )

    app.add_error_handler(errors.on_error)
