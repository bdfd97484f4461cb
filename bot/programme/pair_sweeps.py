"""Sweeps for check-ins and the relay: reach-out reminders, the mentor pulse, releasing held
messages when a pause ends, forgetting abandoned check-ins. Idempotent by outbox key."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from bot.core import words
from bot.core.schedule import local_datetime, parse_hhmm
from bot.delivery.lanes import Lane
from bot.delivery.notify import notify_coordinators
from bot.delivery.outbox_hooks import message_payload, queue
from bot.delivery.sweep import SweepContext
from bot.programme.checkins import iso_week
from bot.programme.relay import HOLD, deliver_time, tell_failures
from storage import checkins, members, outbox_sending, pairs, pulses, reachouts, relay
from storage.outbox import NewMessage, enqueue_many


async def forget_abandoned_checkins(ctx: SweepContext) -> int:
    """A check-in left halfway is dropped (with its note) after `draft_days`."""
    days = ctx.services.content.checkins.draft_days
    return await checkins.delete_stale_drafts(ctx.services.db, ctx.now - timedelta(days=days))


async def remind_reachouts(ctx: SweepContext) -> int:
    """Remind the mentor after 24 h, tell coordinators after 48 h (content sets the hours)."""
    services, now = ctx.services, ctx.now
    settings = services.content.checkins.reachout
    t, sent = services.t, 0
    for request in await reachouts.due_mentor_reminders(
        services.db, now - timedelta(hours=settings.remind_mentor_hours)
    ):
        pair = await pairs.get(services.db, request.pair_id)
        mentor = await members.get_by_id(services.db, pair.mentor_id or 0) if pair else None
        mentee = await members.get_by_id(services.db, pair.mentee_id or 0) if pair else None
        if pair is not None and mentor is not None and mentee is not None:
            buttons = [
                [
                    (
                        t(mentor.language, "checkin.card_message", alias=mentee.display_alias)[:60],
                        services.signer.sign("relay", "pick", pair.id),
                    ),
                    (
                        t(mentor.language, "checkin.card_reached"),
                        services.signer.sign("checkin", "reached", pair.id),
                    ),
                ]
            ]
            sent += await queue(
                services,
                key=f"reachout_reminder:{request.id}",
                chat_id=mentor.telegram_id,
                member_id=mentor.id,
                lane=Lane.SCHEDULED,
                kind="reachout_reminder",
                payload=message_payload(
                    t(mentor.language, "checkin.reminder", alias=mentee.display_alias), buttons
                ),
                not_before=deliver_time(mentor, now),
                now=now,
            )
        await reachouts.mark_reachout(services.db, request.id, "mentor_reminded_at", now)
    for request in await reachouts.due_coordinator_notices(
        services.db, now - timedelta(hours=settings.tell_coordinators_hours)
    ):
        pair = await pairs.get(services.db, request.pair_id)
        if pair is not None:
            sent += await notify_coordinators(
                services,
                key=f"reachout_overdue:{request.id}",
                kind="reachout_overdue",
                text=t(
                    services.settings.default_language,
                    "checkin.coord_reachout",
                    pair=pair.code,
                    hours=words.hours(
                        services.settings.default_language, settings.tell_coordinators_hours
                    ),
                ),
            )
        await reachouts.mark_reachout(services.db, request.id, "coordinators_told_at", now)
    if sent:
        services.outbox.wake()
    return sent


async def prompt_pulse(ctx: SweepContext) -> int:
    """Once a week, at the pulse time in the mentor's own zone, invite mentors of active pairs."""
    services, now = ctx.services, ctx.now
    pulse = services.content.checkins.pulse
    # From the pair's second week: "how is the mentoring going?" needs some mentoring first.
    started_before = now - timedelta(days=7)
    due = []
    for zone in await pulses.mentor_zones(services.db, started_before):
        local = now.astimezone(ZoneInfo(zone))
        monday = local.date() - timedelta(days=local.weekday())
        due_at = local_datetime(
            monday + timedelta(days=pulse.weekday), parse_hhmm(pulse.time), ZoneInfo(zone)
        )
        if now >= due_at:
            # Only mentors whose prompt is not queued yet come back: no write every 30 s.
            week = iso_week(now, zone)
            due += [
                (mentor, f"pulse:{mentor.code}:{week}")
                for mentor in await pulses.mentors_not_prompted(
                    services.db, started_before, zone, week
                )
            ]
    t = services.t
    messages = [
        NewMessage(
            key=key,
            chat_id=mentor.telegram_id,
            member_id=mentor.id,
            lane=Lane.SCHEDULED,
            kind="pulse_prompt",
            payload=message_payload(
                t(mentor.language, "pulse.prompt"),
                [[(t(mentor.language, "pulse.start"), services.signer.sign("pulse", "start"))]],
            ),
            not_before=deliver_time(mentor, now),
        )
        for mentor, key in due
    ]
    if messages:  # one transaction for the week's prompts, however many mentors
        async with services.db.transaction() as connection:
            await enqueue_many(connection, messages, now)
        services.outbox.wake()
    return len(messages)


async def release_after_pause(ctx: SweepContext) -> int:
    """Messages held for an open-ended pause go out once the member has resumed."""
    services, now = ctx.services, ctx.now
    assert HOLD is not None
    released = 0
    for item_id, member_id in await relay.held_outbox_items(services.db, HOLD):
        member = await members.get_by_id(services.db, member_id)
        if member is None:
            continue
        moment = deliver_time(member, now)
        if moment != HOLD:
            await outbox_sending.defer(services.db, item_id, moment)
            released += 1
    return released


async def explain_failed_copies(ctx: SweepContext) -> int:
    """Tell senders about copies that could not be delivered (blocked bot, deleted message)."""
    return await tell_failures(ctx.services)
