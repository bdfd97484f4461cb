"""Telegram adapters. `GATES` and `ROUTES` are the one list of every handler module and its group;
each module exposes `handlers(wiring)`, the handlers it adds, in the order they are tried."""

from __future__ import annotations

from collections.abc import Callable

from bot.services import BotApplication
from handlers import (
    _risk_reply,
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
    pair_end,
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
from handlers._common import FLOWS, GATE, SAFETY, Handlers, Wiring
from handlers.support import CRISIS_ANY

__all__ = ["CRISIS_ANY", "GATES", "ROUTES", "register"]

# The gates, in order, each handler in a group of its own from GATE - 3 to GATE + 1 (-6..-2): every
# one sees every update and may stop it. Note the day someone was last active (data retention);
# drop replayed updates; hold a suspended member (who keeps the help paths, their data rights, and
# free text for the screen); refuse forged buttons; refuse coordinator actions from
# non-coordinators.
GATES: tuple[Callable[[Wiring], Handlers], ...] = (
    activity.handlers,
    gate.handlers,
    access.handlers,
)
FIRST_GATE = GATE - 3

# (group, module's handlers) after the gates: groups run in order (lowest first), and within a
# group the first matching handler wins, so this list is the order in which handlers are tried.
ROUTES: tuple[tuple[int, Callable[[Wiring], Handlers]], ...] = (
    # -1: the crisis path, reachable from any state, before consent, mid-flow (and a coordinator's
    # reply to "message the member"); the screen of free text (does not stop the update); a
    # member blocking or unblocking the bot (open crisis alerts say so at once). Disjoint filters.
    (SAFETY, support.handlers),
    (SAFETY, screening.handlers),
    (SAFETY, reachability.handlers),
    # 0: flows. Onboarding first; then the typed answers settings, the safety plan and goals wait
    # for (before other free-text users, so an awaited answer is not taken as a message for a
    # partner); then commands and buttons (disjoint); the relay after every flow (a flow in
    # progress gets its own answers); the fallbacks last, so nothing goes unanswered.
    (FLOWS, onboarding.handlers),
    (FLOWS, settings.handlers),
    (FLOWS, safety_plan.handlers),
    (FLOWS, sharing.handlers),
    (FLOWS, training.handlers),
    (FLOWS, account.handlers),
    (FLOWS, data.handlers),
    (FLOWS, progress.handlers),
    (FLOWS, approve.handlers),
    (FLOWS, cope.handlers),
    (FLOWS, resources.handlers),
    (FLOWS, alerts.handlers),
    (FLOWS, reload.handlers),
    (FLOWS, console.handlers),
    (FLOWS, console_member.handlers),
    (FLOWS, suspension.handlers),
    (FLOWS, invite.handlers),
    (FLOWS, evaluation.handlers),
    (FLOWS, matching.handlers),
    (FLOWS, pair_console.handlers),
    (FLOWS, pair.handlers),
    (FLOWS, pair_end.handlers),
    (FLOWS, broadcast.handlers),
    (FLOWS, checkin.handlers),
    (FLOWS, pulse.handlers),
    (FLOWS, report.handlers),
    (FLOWS, relay_buttons.handlers),
    (FLOWS, relay.handlers),
    (FLOWS, fallback.handlers),
)


def register(app: BotApplication) -> None:
    """Add every handler to the application, in priority order, and the error handler."""
    wiring = Wiring.for_services(app.bot_data["services"])
    gates = [handler for module_handlers in GATES for handler in module_handlers(wiring)]
    for group, handler in enumerate(gates, start=FIRST_GATE):
        app.add_handler(handler, group=group)
    for group, module_handlers in ROUTES:
        for handler in module_handlers(wiring):
            app.add_handler(handler, group=group)
    # Not flows: a crisis message these alone would take is not an answer a flow awaits.
    _risk_reply.NOT_FLOWS.update(
        {relay.relay_message, relay.relay_edited, fallback.private_message}
    )
    _risk_reply.KEEPS_WORDS.update({report.details, safety_plan.plan_text})
    app.add_error_handler(errors.on_error)
