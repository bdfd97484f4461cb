"""What happens to an alert after it is raised: claimed, re-alerted while unclaimed, resolved.

Every step is recorded in the anonymised engagement log (minutes to claim, minutes to resolve)
and in the audit log (who did it). Domain logic only: handlers render and answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from bot import metrics
from bot.clock import from_db
from bot.escalation import edit_alert, member_of, minutes_between, send_alert
from bot.sweep import SweepContext, sweep
from storage import audit, engagement, escalations
from storage.escalations import Escalation

if TYPE_CHECKING:
    from bot.services import Services

OUTCOMES = ("safe", "referred", "emergency", "no_contact", "false_alarm", "other")


@dataclass(frozen=True)
class StepResult:
    """Outcome of a claim or resolve press: did it change anything, and the escalation now."""

    changed: bool
    escalation: Escalation | None


async def claim(
    services: Services, escalation_id: int, *, by: int, name: str
) -> StepResult:
    """Claim an open alert: stops re-alerts, records who and when (and minutes to claim)."""
    now = services.clock.now()
    db = services.db
    changed = await escalations.claim(db, escalation_id, by=by, name=name, now=now)
    escalation = await escalations.get(db, escalation_id)
    if changed and escalation is not None:
        minutes = minutes_between(escalation.created_at, now)
        raised = from_db(escalation.created_at)
        if raised is not None:
            metrics.claimed((now - raised).total_seconds())
        await engagement.record(
            db, services.pseudonym_key, kind="escalation_claimed", now=now,
            role="coordinator", value=minutes,
        )
        await audit.record(
            db, actor_id=by, actor_name=name, action="escalation_claimed", now=now,
            subject=escalation.member_code, detail=f"escalation {escalation_id}, {minutes} min",
        )
    return StepResult(changed, escalation)


async def resolve(
    services: Services, escalation_id: int, *, by: int, name: str, outcome: str
) -> StepResult:
    """Close an alert with an outcome (minutes from alert to resolution are logged)."""
    if outcome not in OUTCOMES:
        raise ValueError(f"unknown outcome {outcome!r}")
    now = services.clock.now()
    db = services.db
    changed = await escalations.resolve(db, escalation_id, by=by, name=name, outcome=outcome,
                                        now=now)
    escalation = await escalations.get(db, escalation_id)
    if changed and escalation is not None:
        minutes = minutes_between(escalation.created_at, now)
        await engagement.record(
            db, services.pseudonym_key, kind="escalation_resolved", now=now,
            role="coordinator", value=minutes,
        )
        await audit.record(
            db, actor_id=by, actor_name=name, action="escalation_resolved", now=now,
            subject=escalation.member_code, detail=f"escalation {escalation_id}: {outcome}",
        )
        services.extras.get("alert_words", {}).pop(escalation_id, None)
    return StepResult(changed, escalation)


async def refresh_alert(
    services: Services, escalation: Escalation, pressed_message_id: int | None
) -> None:
    """After a change made on one message, bring the newest alert message up to date too."""
    if escalation.alert_message_id is not None and escalation.alert_message_id != pressed_message_id:
        await edit_alert(services, escalation, await member_of(services, escalation))


@sweep("escalation_realert")
async def realert_unclaimed(context: SweepContext) -> int:
    """Post every unclaimed alert again once its re-alert time has come; returns how many."""
    services, now = context.services, context.now
    every = timedelta(minutes=services.settings.escalation_realert_minutes)
    t, language = services.t, services.settings.default_language
    count = 0
    for escalation in await escalations.due_realerts(services.db, now):
        member = await member_of(services, escalation)
        banner = t(
            language,
            "escalation.realert",
            minutes=minutes_between(escalation.created_at, now),
            count=escalation.realerts + 1,
        )
        # The message and the new due time commit together: a crash re-sends at most once,
        # and an alert claimed since it was selected is not posted again.
        async with services.db.transaction() as connection:
            if not await escalations.mark_realerted(
                connection, escalation.id, next_at=now + every, now=now
            ):
                continue
            await send_alert(
                services, escalation, member, version=f"realert{escalation.realerts + 1}",
                banner=banner, connection=connection,
            )
        await engagement.record(
            services.db, services.pseudonym_key, kind="escalation_realerted", now=now,
            value=escalation.realerts + 1,
        )
        count += 1
    return count
