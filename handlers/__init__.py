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

from bot.callbacks import CODE, NUMBER, SLUG, choice, shape
from bot.escalation_lifecycle import OUTCOMES
from handlers import (
    access,
    account,
    activity,
    alerts,
    approve,
    broadcast,
    checkin,
    console,
    console_member,
    cope,
    data,
    errors,
    evaluation,
    fallback,
    gate,
    invite,
    matching,
    onboarding,
    pair,
    pair_console,
    progress,
    pulse,
    reachability,
    relay,
    relay_buttons,
    reload,
    report,
    resources,
    safety_plan,
    screening,
    settings,
    sharing,
    support,
    suspension,
    training,
)
from handlers._common import FLOWS, GATE, SAFETY
from storage import safety_plans

# Groups run in order; within a group the first matching handler wins.
# Every other button pattern is a whole-payload shape (bot/callbacks.shape). Crisis buttons are
# the one exception on purpose: any signed "crisis:" press (an old version's too) opens the
# crisis path, because help must never answer "this button has expired".
CRISIS_ANY = r"^crisis:"
RELAY_CODE = r"[a-z]{0,8}"  # the kinds found in a held message (bot/boundaries.encode)
CRISIS_FLAG = choice("0", "1")


def register(app: Application) -> None:  # type: ignore[type-arg]
    """Add every handler to the application, in priority order."""
    # -6: note the day someone was last active (data retention).
    # -5..-2: drop replayed updates, forged buttons, and coordinator actions from non-coordinators.
    app.add_handler(TypeHandler(Update, activity.note_last_seen), group=GATE - 3)
    app.add_handler(TypeHandler(Update, gate.drop_replayed_update), group=GATE - 2)
    # A suspended member keeps the help paths and their data rights (and free text for the screen).
    app.add_handler(TypeHandler(Update, suspension.hold_suspended), group=GATE - 1)
    app.add_handler(TypeHandler(Update, gate.refuse_forged_button), group=GATE)
    app.add_handler(TypeHandler(Update, access.guard_coordinator_actions), group=GATE + 1)

    # -1: the crisis path, reachable from any state, before consent, mid-flow.
    app.add_handler(CommandHandler(["crisis", "sos"], support.crisis_command), group=SAFETY)
    app.add_handler(CallbackQueryHandler(support.crisis_button, pattern=CRISIS_ANY), group=SAFETY)
    # Also -1 (disjoint filters): screen free text; does not stop the update.
    app.add_handler(MessageHandler(filters.ChatType.PRIVATE & (filters.TEXT | filters.CAPTION)
                                   & ~filters.COMMAND, screening.screen_message), group=SAFETY)

    # Also -1 (group only): a coordinator's reply to "message the member" goes to the member.
    app.add_handler(MessageHandler(
        filters.Chat(app.bot_data["services"].settings.coordinator_chat_id) & filters.REPLY
        & filters.TEXT & ~filters.COMMAND, alerts.message_reply), group=SAFETY)

    # Also -1: a member blocked or unblocked the bot (open crisis alerts say so at once).
    app.add_handler(ChatMemberHandler(reachability.bot_blocked_or_unblocked,
                                      ChatMemberHandler.MY_CHAT_MEMBER), group=SAFETY)

    # 0: flows, then the fallbacks that make sure nothing goes unanswered.
    app.add_handler(onboarding.conversation(), group=FLOWS)
    _register_members(app)
    _register_safety_features(app)
    register_console(app)
    coordinator_chat_id = app.bot_data["services"].settings.coordinator_chat_id
    for handler in [*matching.handlers(coordinator_chat_id),
                    *pair_console.handlers(coordinator_chat_id), *pair.handlers()]:
        app.add_handler(handler, group=FLOWS)
    broadcast.register(app)  # coordinators' group only; group 0
    app.add_handler(checkin.conversation(), group=FLOWS)
    app.add_handler(pulse.conversation(), group=FLOWS)
    app.add_handler(report.conversation(), group=FLOWS)
    for callback, pattern in (
        (relay_buttons.send_anyway, shape("relay", "send", NUMBER, RELAY_CODE, NUMBER, CRISIS_FLAG)),
        (relay_buttons.cancel, shape("relay", "cancel", NUMBER)),
        (relay_buttons.send_to,
         shape("relay", "to", NUMBER, NUMBER, f"(?:-|{RELAY_CODE})", CRISIS_FLAG)),
        (relay_buttons.pick, shape("relay", "pick", NUMBER)),
        (relay_buttons.reached_out, shape("checkin", "reached", NUMBER)),
    ):
        app.add_handler(CallbackQueryHandler(callback, pattern=pattern), group=FLOWS)
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

    # Not flows: a crisis message these alone would take is not an answer a flow awaits.
    screening.NOT_FLOWS.update({relay.relay_message, relay.relay_edited,
                                fallback.private_message})
    screening.KEEPS_WORDS.update({report.details, safety_plan.plan_text})
    app.add_error_handler(errors.on_error)


def _register_safety_features(app: Application) -> None:  # type: ignore[type-arg]
    """Issue 6: /cope, /resources, /refer, and the coordinators' alert console and /reload."""
    private = filters.ChatType.PRIVATE
    app.add_handler(CommandHandler("cope", cope.cope_command, private), group=FLOWS)
    app.add_handler(CommandHandler("resources", resources.resources_command, private),
                    group=FLOWS)
    app.add_handler(CommandHandler("refer", resources.refer_command, private), group=FLOWS)
    for callback, pattern in (
        (cope.open_button, shape("cope", "open")),
        (cope.feeling_button, shape("cope", "f", SLUG)),
        (cope.another_button, shape("cope", "n", SLUG, NUMBER)),
        (cope.rate_button, shape("cope", "r", SLUG, choice("y", "n"))),
        (cope.back_button, shape("cope", "b")),
        (resources.category_button, shape("res", "c", SLUG)),
        (resources.back_button, shape("res", "b")),
        (resources.refer_button, shape("ref", "p", CODE)),
        (resources.refer_button, shape("ref", choice("c", "s"), CODE, SLUG)),
    ):
        app.add_handler(CallbackQueryHandler(callback, pattern=pattern), group=FLOWS)

    coordinators = filters.Chat(app.bot_data["services"].settings.coordinator_chat_id)
    app.add_handler(CommandHandler("escalations", alerts.list_command, coordinators), group=FLOWS)
    app.add_handler(CommandHandler("reload", reload.reload_command, coordinators), group=FLOWS)
    for callback, pattern in (
        (alerts.claim_button, shape("co", "esc", "claim", NUMBER)),
        (alerts.claim_button, shape("co", "esc", "claim", NUMBER, "l")),  # from /escalations
        (alerts.resolve_button, shape("co", "esc", "resolve", NUMBER)),
        (alerts.outcome_button, shape("co", "esc", "out", NUMBER, choice(*OUTCOMES))),
        (alerts.back_button, shape("co", "esc", "back", NUMBER)),
        (alerts.message_button, shape("co", "esc", "msg", NUMBER)),
    ):
        app.add_handler(CallbackQueryHandler(callback, pattern=pattern), group=FLOWS)


def register_console(app: Application) -> None:  # type: ignore[type-arg]
    """Coordinators' console commands and buttons, only in the coordinators' group (group 0)."""
    coordinators = filters.Chat(app.bot_data["services"].settings.coordinator_chat_id)
    for name, callback in (
        ("help", console.coordinator_help),
        ("dashboard", console.dashboard),
        ("export", console.export),
        ("digest", console.digest_now),
        ("audit", console.audit_log),
        ("member", console_member.member_command),
        ("suspend", suspension.suspend_command),
        ("unsuspend", suspension.unsuspend_command),
        ("revoke", suspension.revoke_command),
        ("invite", invite.invite_command),
        ("evaluation", evaluation.evaluation),
    ):
        app.add_handler(CommandHandler(name, callback, filters=coordinators), group=FLOWS)
    app.add_handler(
        CallbackQueryHandler(console_member.reveal_identity, pattern=shape("co", "reveal", CODE)),
        group=FLOWS,
    )


def _register_members(app: Application) -> None:  # type: ignore[type-arg]
    """Issue 3: settings, training, breaks, data rights, /approve (before other free-text users,
    so a typed answer /settings is waiting for is not taken as a message for a partner)."""
    services = app.bot_data["services"]
    private = filters.ChatType.PRIVATE
    app.add_handler(
        MessageHandler(private & filters.TEXT & ~filters.COMMAND
                       & settings.AwaitingText(services), settings.on_text),
        group=FLOWS,
    )
    app.add_handler(
        MessageHandler(private & filters.TEXT & ~filters.COMMAND
                       & safety_plan.AwaitingStep(services), safety_plan.plan_text),
        group=FLOWS,
    )
    app.add_handler(CommandHandler("safetyplan", safety_plan.plan_command, private), group=FLOWS)
    for pattern in (shape("plan", choice("show", "make", "close")),
                    shape("plan", "edit", choice(*safety_plans.SECTIONS))):
        app.add_handler(CallbackQueryHandler(safety_plan.plan_button, pattern=pattern),
                        group=FLOWS)
    app.add_handler(
        MessageHandler(private & filters.TEXT & sharing.AwaitingGoal(services)
                       & (~filters.COMMAND | filters.Regex(r"^/cancel\b")), sharing.on_text),
        group=FLOWS,
    )
    app.add_handler(CommandHandler("settings", settings.settings_command, private), group=FLOWS)
    app.add_handler(CommandHandler("goals", sharing.goals_command, private), group=FLOWS)
    for pattern in sharing.PATTERNS:
        app.add_handler(CallbackQueryHandler(sharing.on_button, pattern=pattern), group=FLOWS)
    for pattern in settings.PATTERNS:
        app.add_handler(CallbackQueryHandler(settings.on_button, pattern=pattern), group=FLOWS)
    app.add_handler(CommandHandler("training", training.training_command, private), group=FLOWS)
    app.add_handler(CallbackQueryHandler(training.next_button, pattern=shape("tr", "next", NUMBER)),
                    group=FLOWS)
    app.add_handler(CallbackQueryHandler(training.answer_button,
                                         pattern=shape("tr", "a", *[NUMBER] * 4)), group=FLOWS)
    app.add_handler(CommandHandler("pause", account.pause_command, private), group=FLOWS)
    app.add_handler(CommandHandler("resume", account.resume_command, private), group=FLOWS)
    app.add_handler(CommandHandler("stepback", account.stepback_command, private), group=FLOWS)
    app.add_handler(CallbackQueryHandler(account.pause_button, pattern=account.PAUSE_PATTERN),
                    group=FLOWS)
    app.add_handler(CallbackQueryHandler(account.keep_button, pattern=shape("ac", "keep")),
                    group=FLOWS)
    app.add_handler(CallbackQueryHandler(account.stepback_button,
                                         pattern=shape("ac", "back", choice("in", "out"))),
                    group=FLOWS)
    app.add_handler(CommandHandler("mydata", data.mydata_command, private), group=FLOWS)
    app.add_handler(CommandHandler("progress", progress.progress_command, private), group=FLOWS)
    app.add_handler(CommandHandler("forget", data.forget_command, private), group=FLOWS)
    app.add_handler(CallbackQueryHandler(data.forget_button,
                                         pattern=shape("fg", choice("yes", "no"), CODE)),
                    group=FLOWS)
    app.add_handler(
        CommandHandler("approve", approve.approve_command,
                       filters.Chat(services.settings.coordinator_chat_id)),
        group=FLOWS,
    )
