"""Scheduled sweeps: weekly check-in prompts and gentle nudges for pairs that went quiet.

Both only turn due rows into outbox rows with idempotency keys (running twice, or after a crash,
never doubles a message). The sender decides at send time whether the recipient can be reached
now (quiet hours, pause) and skips what went stale: a check-in prompt after its week, a nudge
more than two days late.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, time, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from bot.core import words
from bot.core.clock import from_db
from bot.core.i18n import Html
from bot.core.schedule import local_datetime, next_weekly
from bot.delivery.lanes import Lane
from bot.delivery.outbox_hooks import message_payload
from bot.delivery.sweep import SweepContext
from storage import engagement, reminders
from storage.outbox import DueItem, NewMessage, enqueue_many

if TYPE_CHECKING:
    from bot.services import Services

log = logging.getLogger(__name__)
NUDGE_AFTER = timedelta(days=7)
ESCALATE_AFTER = timedelta(days=14)
NUDGE_LATE_LIMIT = timedelta(days=2)  # a nudge later than this is stale: skipped, counted
MIN_PROMPT_LIFETIME = timedelta(hours=12)
MAX_MISSED_WEEKS = 52


def iso_week(moment: datetime, timezone: str) -> str:
    """The member's local ISO week of a moment, e.g. '2026-W10'."""
    year, week, _ = moment.astimezone(ZoneInfo(timezone)).isocalendar()
    return f"{year}-W{week:02d}"


def prompt_expiry(slot: datetime, timezone: str) -> datetime:
    """A prompt is stale once its local week is over (but lives at least 12 hours)."""
    zone = ZoneInfo(timezone)
    local = slot.astimezone(zone)
    next_monday = local.date() + timedelta(days=7 - local.weekday())
    return max(local_datetime(next_monday, time(0, 0), zone), slot + MIN_PROMPT_LIFETIME)


async def checkin_prompts(context: SweepContext) -> int:
    """Queue each due mentee's weekly check-in prompt and move their next slot on a week."""
    services, now = context.services, context.now
    db, t = services.db, services.t
    first_slots = []
    for member in await reminders.unscheduled_checkins(db):
        try:
            first_slots.append(
                (member.member_id, next_weekly(now, member.timezone, member.weekday, member.at))
            )
        except (ValueError, KeyError):
            log.warning("member %s has an unusable check-in schedule", member.member_id)
    button_data = services.signer.sign("checkin", "start")
    # Members who share a schedule (zone, day, time, current slot) and a language share the
    # date maths and the text: the rows themselves are written by SQL (INSERT .. SELECT), which
    # keeps a sweep with 10,000 members due well under 300 ms.
    work = []
    for group in await reminders.due_checkin_groups(db, now):
        try:
            slots, following = _slots_due(
                group.next_at, group.timezone, group.weekday, group.at, now
            )
        except (ValueError, KeyError):
            log.warning("%d members have an unusable check-in schedule", group.members)
            continue
        work.append((group, slots, following))
    queued = 0
    if first_slots or work:
        async with db.transaction() as connection:
            await reminders.set_next_checkins(connection, first_slots)
            for group, slots, following in work:
                # One payload for the group; storage puts each member's alias in place of the
                # marker as it writes their row.
                marker = Html("\x00")
                payload = message_payload(
                    t(group.language, "delivery.checkin_prompt", alias=marker),
                    [[(t(group.language, "delivery.checkin_button"), button_data)]],
                )
                # Every slot missed while the bot was down gets its row: stale ones are skipped
                # by the sender and counted, so nothing disappears silently.
                queued += await reminders.queue_checkin_prompts(
                    connection,
                    group,
                    slots,
                    following,
                    payload=payload,
                    alias_marker=marker,
                    now=now,
                )
    if queued:
        services.outbox.wake()
    return queued


def _slots_due(
    next_at: str, timezone: str, weekday: int, at: str, now: datetime
) -> tuple[list[reminders.PromptSlot], datetime]:
    """The due slots (ISO week, time, expiry) from `next_at` up to now, and the slot after."""
    slot = from_db(next_at)
    assert slot is not None
    slots = []
    for _ in range(MAX_MISSED_WEEKS):
        slots.append(
            reminders.PromptSlot(iso_week(slot, timezone), slot, prompt_expiry(slot, timezone))
        )
        slot = next_weekly(slot, timezone, weekday, at)
        if slot > now:
            return slots, slot
    return slots, next_weekly(now, timezone, weekday, at)


async def pair_nudges(context: SweepContext) -> int:
    """After 7 quiet days nudge both members kindly; after 14 tell the coordinators."""
    services, now = context.services, context.now
    t = services.t
    oldest = now - ESCALATE_AFTER - NUDGE_LATE_LIMIT - timedelta(days=14)
    messages: list[NewMessage] = []
    for pair in await reminders.quiet_pairs(services.db, now - NUDGE_AFTER, oldest):
        since = from_db(pair.since)
        assert since is not None
        stamp = since.astimezone(UTC).strftime("%Y%m%dT%H%M")
        parties = [(pair.mentee, pair.mentor), (pair.mentor, pair.mentee)]
        for person, partner in parties:
            if person is None:
                continue
            text = t(
                person.language,
                "delivery.nudge_member",
                alias=person.alias or "",
                partner=(partner.alias or partner.code) if partner else "-",
            )
            messages.append(
                NewMessage(
                    key=f"nudge:{pair.code}:{stamp}:{person.code}",
                    chat_id=person.telegram_id,
                    lane=Lane.SCHEDULED,
                    kind="nudge",
                    payload=message_payload(text),
                    not_before=since + NUDGE_AFTER,
                    member_id=person.member_id,
                    expires_at=since + NUDGE_AFTER + NUDGE_LATE_LIMIT,
                )
            )
        if now >= since + ESCALATE_AFTER:
            language = services.settings.default_language
            text = t(
                language,
                "delivery.nudge_coordinators",
                pair=pair.code,
                mentee=pair.mentee.code if pair.mentee else "-",
                mentor=pair.mentor.code if pair.mentor else "-",
                days=words.days(language, (now - since).days),
            )
            messages.append(
                NewMessage(
                    key=f"nudge14:{pair.code}:{stamp}",
                    chat_id=services.settings.coordinator_chat_id,
                    lane=Lane.SCHEDULED,
                    kind="nudge_coordinators",
                    payload=message_payload(text),
                    not_before=since + ESCALATE_AFTER,
                    expires_at=since + ESCALATE_AFTER + NUDGE_LATE_LIMIT,
                )
            )
    if messages:
        async with services.db.transaction() as connection:
            await enqueue_many(connection, messages, now)
        services.outbox.wake()
    return len(messages)


async def nudge_sent(services: Services, due: DueItem, result: Any) -> None:
    """After-sent hook for nudges: count one in the anonymised engagement log."""
    if due.recipient is None:
        return
    await engagement.record(
        services.db,
        services.pseudonym_key,
        kind="nudge_sent",
        now=services.clock.now(),
        telegram_id=due.recipient.telegram_id,
        role=due.recipient.role,
    )
