"""Telegram adapters. `register` is the one place that lists every handler and its group."""

from __future__ import annotations

from telegram import Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

import bot.pair_sweeps  # noqa: F401  (registers the check-in and relay sweeps)
from handlers import (
    access,
    checkin,
    errors,
    fallback,
    gate,
    onboarding,
    pulse,
    relay,
    relay_buttons,
    report,
    screening,
    support,
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
    app.add_handler(checkin.conversation(), group=FLOWS)
    app.add_handler(pulse.conversation(), group=FLOWS)
    app.add_handler(report.conversation(), group=FLOWS)
    app.add_handler(CallbackQueryHandler(relay_buttons.send_anyway, pattern=r"^relay:send:"),
                    group=FLOWS)
    app.add_handler(CallbackQueryHandler(relay_buttons.cancel, pattern=r"^relay:cancel:"),
                    group=FLOWS)
    app.add_handler(CallbackQueryHandler(relay_buttons.send_to, pattern=r"^relay:to:"),
                    group=FLOWS)
    app.add_handler(CallbackQueryHandler(relay_buttons.pick, pattern=r"^relay:pick:"),
                    group=FLOWS)
    app.add_handler(CallbackQueryHandler(relay_buttons.reached_out, pattern=r"^checkin:reached:"),
                    group=FLOWS)
    app.add_handler(CommandHandler("help", fallback.help_command), group=FLOWS)
    app.add_handler(CallbackQueryHandler(fallback.expired_button), group=FLOWS)
    app.add_handler(
        MessageHandler(filters.COMMAND & filters.ChatType.PRIVATE, fallback.unknown_command),
        group=FLOWS,
    )
    # The relay: after every flow (a flow in progress gets its own answers), before the
    # fallbacks. Edits are answered separately: the partner keeps the first version.
    app.add_handler(
        MessageHandler(filters.UpdateType.EDITED_MESSAGE & filters.ChatType.PRIVATE
                       & ~filters.COMMAND, relay.relay_edited),
        group=FLOWS,
    )
    app.add_handler(
        MessageHandler(filters.UpdateType.MESSAGE & filters.ChatType.PRIVATE & ~filters.COMMAND,
                       relay.relay_message),
        group=FLOWS,
    )
    app.add_handler(
        MessageHandler(filters.ChatType.PRIVATE & ~filters.COMMAND, fallback.private_message),
        group=FLOWS,
    )

    app.add_error_handler(errors.on_error)
