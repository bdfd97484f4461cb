"""Every sweep and delivery hook runs because the composition root lists it, and only then."""

from __future__ import annotations

import importlib
import pkgutil

import bot
import handlers
from bot import composition
from bot.delivery import sweep
from bot.delivery.outbox_hooks import EVERY_KIND, HOOKS

EXPECTED_SWEEPS = [
    "checkin_prompts",
    "pair_nudges",
    "crisis_aftercare",
    "checkin_drafts",
    "reachout_reminders",
    "mentor_pulse",
    "relay_release",
    "relay_failures",
    "pruning",
    "retention",
    "escalation_realert",
    "escalation_claimed_reminder",
    "coordinator_digest",
    "pair_intro_reminder",
    "pair_fit_check",
    "pair_end_reminder",
    "pair_programme_end",
    "processed_updates",
]
EXPECTED_SENT = {
    EVERY_KIND: ["bot.ops.health.coordinators_reached"],
    "relay": ["bot.programme.relay.copy_sent"],
    "escalation": ["bot.safety.escalation.remember_alert_message"],
    "nudge": ["bot.programme.reminders.nudge_sent"],
}
EXPECTED_FAILED = [
    "bot.safety.alert_health.coordinator_side_failed",
    "bot.ops.health.coordinators_unreached",
    "bot.programme.delivery_notices.member_blocked",
]
EXPECTED_BATCH = ["bot.console.broadcast.refresh_progress"]


def name(function: object) -> str:
    return f"{function.__module__}.{function.__qualname__}"  # type: ignore[attr-defined]


def test_importing_everything_registers_nothing() -> None:
    sweep.install([])
    HOOKS.clear()
    for package in (bot, handlers):
        for module in pkgutil.walk_packages(package.__path__, f"{package.__name__}."):
            if ".sandbox" not in module.name and not module.name.endswith("__main__"):
                importlib.import_module(module.name)
    assert sweep.registered() == {}
    assert (HOOKS.sent, HOOKS.failed, HOOKS.batch) == ({}, [], [])
    composition.install()  # leave the process as the application would


def test_the_composition_root_lists_every_sweep_and_hook() -> None:
    composition.install()
    composition.install()  # installing twice doubles nothing
    assert list(sweep.registered()) == EXPECTED_SWEEPS
    assert {kind: [name(h) for h in hooks] for kind, hooks in HOOKS.sent.items()} == EXPECTED_SENT
    assert [name(h) for h in HOOKS.failed] == EXPECTED_FAILED
    assert [name(h) for h in HOOKS.batch] == EXPECTED_BATCH
