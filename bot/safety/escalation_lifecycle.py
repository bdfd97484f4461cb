"""What happens to an alert after it is raised: claimed, re-alerted while unclaimed, resolved.

Every step is recorded in the anonymised engagement log (minutes to claim, minutes to resolve)
and in the audit log (who did it). Domain logic only: handlers render and answer.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.core import metrics, words
from bot.core.clock import from_db
from bot.core.i18n import Html
from bot.delivery.lanes import Lane
from bot.delivery.notify import notify_coordinators
from bot.delivery.outbox_hooks import message_payload, queue
from bot.delivery.sweep import SweepContext
from bot.safety.escalation import edit_alert, member_of, minutes_between, send_alert
from storage import audit, coordinator_group, engagement, escalation_timers, escalations
from storage.escalations import Escalation

if TYPE_CHECKING:
    from bot.services import Services

log = logging.getLogger(__name__)

OUTCOMES = ("safe", "referred", "emergency", "no_contact", "false_alarm", "other")


@dataclass(frozen=True)
class StepResult:
    """Outcome of a claim or resolve press: did it change anything, and the escalation now."""

    changed: bool
    escalation: Escalation | None


async def claim(services: Services, escalation_id: int, *, by: int, name: str) -> StepResult:
    """Claim an open alert: stops re-alerts, records who and when (and minutes to claim)."""
    now = services.clock.now()
    db = services.db
    remind = timedelta(minutes=services.settings.escalation_claimed_remind_minutes)
    changed = await escalations.claim(
        db, escalation_id, by=by, name=name, now=now, remind_at=now + remind
    )
    escalation = await escalations.get(db, escalation_id)
    if changed and escalation is not None:
        minutes = minutes_between(escalation.created_at, now)
        raised = from_db(escalation.created_at)
        if raised is not None:
            metrics.claimed((now - raised).total_seconds())
        await _log_step(
            services, escalation, by, name, minutes, kind="escalation_claimed", now=now,
            detail=f"escalation {escalation_id}, {minutes} min",
        )  # fmt: skip
    return StepResult(changed, escalation)


async def _log_step(
    services: Services,
    escalation: Escalation,
    by: int,
    name: str,
    minutes: int,
    *,
    kind: str,
    now: datetime,
    detail: str,
) -> None:
    """A claim or resolution: minutes since the alert (anonymised) and the coordinator's audit line."""
    await engagement.record(
        services.db,
        services.pseudonym_key,
        kind=kind,
        now=now,
        role="coordinator",
        value=minutes,
    )
    await audit.record(
        services.db,
        actor_id=by,
        actor_name=name,
        action=kind,
        now=now,
        subject=escalation.member_code,
        detail=detail,
    )


async def resolve(
    services: Services, escalation_id: int, *, by: int, name: str, outcome: str
) -> StepResult:
    """Close an alert with an outcome (minutes from alert to resolution are logged)."""
    if outcome not in OUTCOMES:
        raise ValueError(f"unknown outcome {outcome!r}")
    now = services.clock.now()
    db = services.db
    settings = services.settings
    aftercare = (
        now + timedelta(hours=settings.aftercare_after_hours)
        if settings.aftercare_enabled and outcome != "false_alarm"
        else None
    )
    changed = await escalations.resolve(
        db, escalation_id, by=by, name=name, outcome=outcome, now=now, aftercare_at=aftercare
    )
    escalation = await escalations.get(db, escalation_id)
    if changed and escalation is not None:
        minutes = minutes_between(escalation.created_at, now)
        await _log_step(
            services, escalation, by, name, minutes, kind="escalation_resolved", now=now,
            detail=f"escalation {escalation_id}: {outcome}",
        )  # fmt: skip
        services.crisis.alert_words.pop(escalation_id, None)
    return StepResult(changed, escalation)


async def refresh_alert(
    services: Services, escalation: Escalation, pressed_message_id: int | None
) -> None:
    """After a change made on one message, bring the newest alert message up to date too."""
    if (
        escalation.alert_message_id is not None
        and escalation.alert_message_id != pressed_message_id
    ):
        await edit_alert(services, escalation, await member_of(services, escalation))


def next_gap(services: Services, realerts_done: int) -> timedelta:
    """The wait before the next re-alert: the configured gaps in turn, the last one repeating."""
    gaps = services.settings.realert_gaps
    return timedelta(minutes=gaps[min(realerts_done, len(gaps) - 1)])


def _local_day(services: Services, moment: datetime) -> str:
    """The coordinators' calendar day (DEFAULT_TIMEZONE) a re-alert counts against."""
    return moment.astimezone(ZoneInfo(services.settings.default_timezone)).date().isoformat()


def next_morning(services: Services, moment: datetime) -> datetime:
    """09:00 the next day in DEFAULT_TIMEZONE: when re-alerts start again after the day's cap."""
    zone = ZoneInfo(services.settings.default_timezone)
    local = moment.astimezone(zone)
    morning = datetime.combine(local.date() + timedelta(days=1), time(9, 0), tzinfo=zone)
    return morning.astimezone(moment.tzinfo or UTC)


async def realert_unclaimed(context: SweepContext) -> int:
    """Post unclaimed alerts again as their time comes, backing off, at most N a day; returns
    how many. A re-alert replies to the first alert message, so one alert stays one thread."""
    services, now = context.services, context.now
    t, language = services.t, services.settings.default_language
    cap = services.settings.escalation_realerts_per_day
    count = 0
    for escalation in await escalation_timers.due_realerts(services.db, now):
        day = _local_day(services, now)
        today = escalation.realerts_that_day if escalation.realert_day == day else 0
        if today >= cap:
            await escalation_timers.postpone_realert(
                services.db, escalation.id, next_morning(services, now)
            )
            continue
        member = await member_of(services, escalation)
        banner = t(
            language,
            "escalation.realert",
            minutes=words.duration(
                language, timedelta(minutes=minutes_between(escalation.created_at, now))
            ),
            count=escalation.realerts + 1,
        )
        following = now + next_gap(services, escalation.realerts + 1)
        if today + 1 >= cap:
            following = max(following, next_morning(services, now))
            banner = Html(f"{banner}\n{t(language, 'escalation.realert_cap', count=cap)}")
        # The message and the new due time commit together: a crash re-sends at most once,
        # and an alert claimed since it was selected is not posted again.
        async with services.db.transaction() as connection:
            if not await escalation_timers.mark_realerted(
                connection, escalation.id, next_at=following, now=now, day=day
            ):
                continue
            await send_alert(
                services,
                escalation,
                member,
                version=f"realert{escalation.realerts + 1}",
                banner=banner,
                connection=connection,
                threaded=True,
            )
        await engagement.record(
            services.db,
            services.pseudonym_key,
            kind="escalation_realerted",
            now=now,
            value=escalation.realerts + 1,
        )
        count += 1
    return count


async def remind_claimed(context: SweepContext) -> int:
    """A claimed alert still open after a while: remind the claimer privately first, then the
    group (threaded under the alert), then the group once a day; returns how many."""
    services, now = context.services, context.now
    t, language = services.t, services.settings.default_language
    every = timedelta(minutes=services.settings.escalation_claimed_remind_minutes)
    count = 0
    for escalation in await escalation_timers.due_claim_reminders(services.db, now):
        hours = minutes_between(escalation.claimed_at, now) // 60
        code = escalation.member_code or "?"
        to_claimer = escalation.reminders == 0 and escalation.claimed_by is not None
        following = now + (every if to_claimer else timedelta(days=1))
        async with services.db.transaction() as connection:
            if not await escalation_timers.mark_reminded(
                connection, escalation.id, next_at=following
            ):
                continue
            if to_claimer:
                assert escalation.claimed_by is not None
                await queue(
                    services,
                    key=f"escalation:{escalation.id}:remind_claimer",
                    chat_id=escalation.claimed_by,
                    lane=Lane.CRISIS,
                    kind="escalation_reminder",
                    payload=message_payload(
                        t(language, "escalation.remind_claimer", code=code, hours=hours)
                    ),
                    now=now,
                    connection=connection,
                )
            else:
                await notify_coordinators(
                    services,
                    key=f"escalation:{escalation.id}:remind{escalation.reminders + 1}",
                    kind="escalation_reminder",
                    lane=Lane.CRISIS,
                    connection=connection,
                    text=t(
                        language,
                        "escalation.remind_group",
                        code=code,
                        hours=hours,
                        name=escalation.claimed_by_name or "?",
                    ),
                    reply_to=escalation.first_alert_message_id,
                )
        services.outbox.wake()
        count += 1
    return count


async def group_reachable_again(services: Services) -> None:
    """The bot is back in the group with permission to post: open alerts are posted again."""
    if not await coordinator_group.set_state(
        services.db,
        chat_id=services.settings.coordinator_chat_id,
        state="ok",
        now=services.clock.now(),
    ):
        return
    log.warning(
        "the coordinators' group %s is reachable again", services.settings.coordinator_chat_id
    )
    for escalation in await escalations.open_escalations(services.db):
        await send_alert(
            services,
            escalation,
            await member_of(services, escalation),
            version=f"back{services.clock.now().timestamp():.0f}",
        )
