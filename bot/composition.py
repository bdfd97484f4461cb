"""The one list of what runs behind the handlers: every sweep, and every delivery hook.

Nothing registers itself by being imported: a sweep or hook runs because it is listed here, and
`tests/unit/test_composition.py` names each one, so one dropped by mistake fails a test.
"""

from __future__ import annotations

from bot.console import broadcast, digest
from bot.delivery import inbox, pruning, sweep
from bot.delivery.outbox_hooks import EVERY_KIND, HOOKS, BatchHook, FailedHook, SentHook
from bot.ops import health
from bot.programme import delivery_notices, pair_sweeps, pair_timeline, reminders, retention
from bot.programme.relay import RELAY_KIND, copy_sent
from bot.safety import aftercare, alert_health, escalation, escalation_lifecycle

# Run in this order every sweep round; one failing sweep never stops the others.
SWEEPS: list[tuple[str, sweep.SweepFunction]] = [
    ("checkin_prompts", reminders.checkin_prompts),
    ("pair_nudges", reminders.pair_nudges),
    ("crisis_aftercare", aftercare.next_day_check),
    ("checkin_drafts", pair_sweeps.forget_abandoned_checkins),
    ("reachout_reminders", pair_sweeps.remind_reachouts),
    ("mentor_pulse", pair_sweeps.prompt_pulse),
    ("relay_release", pair_sweeps.release_after_pause),
    ("relay_failures", pair_sweeps.explain_failed_copies),
    ("pruning", pruning.prune_old_rows),
    ("retention", retention.retention_sweep),
    ("escalation_realert", escalation_lifecycle.realert_unclaimed),
    ("escalation_claimed_reminder", escalation_lifecycle.remind_claimed),
    ("coordinator_digest", digest.digest_sweep),
    ("pair_intro_reminder", pair_timeline.remind_unaccepted),
    ("pair_fit_check", pair_timeline.ask_fit_check),
    ("pair_end_reminder", pair_timeline.remind_end),
    ("pair_programme_end", pair_timeline.end_programme),
    ("processed_updates", inbox.forget_old_update_ids),
]

# After a row of this kind is delivered (EVERY_KIND: any row).
SENT_HOOKS: list[tuple[str, SentHook]] = [
    (EVERY_KIND, health.coordinators_reached),
    (RELAY_KIND, copy_sent),
    ("escalation", escalation.remember_alert_message),
    ("nudge", reminders.nudge_sent),
]

# After any row fails for good (each hook picks the failures it cares about).
FAILED_HOOKS: list[FailedHook] = [
    alert_health.coordinator_side_failed,
    health.coordinators_unreached,
    delivery_notices.member_blocked,
]

# While a batch of rows goes out (a broadcast's progress report to the coordinators).
BATCH_HOOKS: list[BatchHook] = [broadcast.refresh_progress]


def install() -> None:
    """Put the lists above in place (again, from nothing, if called twice)."""
    sweep.install(SWEEPS)
    HOOKS.clear()
    for kind, sent_hook in SENT_HOOKS:
        HOOKS.after_sent(kind, sent_hook)
    for failed_hook in FAILED_HOOKS:
        HOOKS.on_failed(failed_hook)
    for batch_hook in BATCH_HOOKS:
        HOOKS.on_batch(batch_hook)
