"""Data retention: members who left or have been inactive for RETENTION_MONTHS are erased
exactly like /forget (the one erasure entry point, bot.programme.data_rights.forget), after a notice two
weeks before wherever they can still be reached.

The sweep is interrupt-safe: each erasure is noted in the kv table before it starts and the
note is dropped when it has finished, so a kill halfway is completed by the next sweep; notices
are queued and recorded in one transaction, so none is lost or sent twice.
"""

from __future__ import annotations

import calendar
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from bot.delivery.holds import ACCOUNT_NOTICE
from bot.delivery.lanes import Lane
from bot.delivery.outbox_hooks import message_payload, queue
from bot.delivery.sweep import SweepContext
from bot.programme.data_rights import forget
from storage import engagement, members, retention
from storage.persistence import forget_conversations

if TYPE_CHECKING:
    from bot.services import Services

NOTICE = timedelta(days=14)  # how long before the deletion a member is told
BATCH = 50  # members handled per sweep (the sweep runs every 30 s)
PASS_EVERY = timedelta(hours=1)


def months_before(moment: datetime, months: int) -> datetime:
    """The same day and time `months` calendar months earlier (clamped to the month's end)."""
    index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


async def note_seen(services: Services, telegram_id: int) -> None:
    """Someone used the bot: record the day (at most one write per person per day)."""
    today = services.clock.now().date().isoformat()
    day, seen = services.caches.retention_day
    if day != today:
        day, seen = today, set()
        services.caches.retention_day = (day, seen)
    if telegram_id in seen:
        return
    await retention.touch(services.db, telegram_id, services.clock.now())
    seen.add(telegram_id)


async def _finish_interrupted(services: Services) -> int:
    """Complete erasures a kill interrupted (the member row may already be gone)."""
    finished = 0
    for telegram_id in await retention.unfinished_erasures(services.db):
        member = await members.get_by_telegram_id(services.db, telegram_id)
        if member is not None:
            await forget(services, member, coordinator_note="retention.coordinators_erased")
        else:
            await forget_conversations(services.db, telegram_id)
            await services.db.checkpoint()
        await retention.done_erasing(services.db, telegram_id)
        finished += 1
    return finished


async def _send_notices(services: Services, now: datetime, cutoff: datetime) -> int:
    """Tell reachable members two weeks before their data would be deleted."""
    months, sent = services.settings.retention_months, 0
    for member_id in await retention.due_for_notice(services.db, cutoff + NOTICE, BATCH):
        member = await members.get_by_id(services.db, member_id)
        if member is None:
            continue
        text = services.t(
            member.language,
            "retention.notice",
            months=months,
            date=(now + NOTICE).strftime("%Y-%m-%d"),
        )
        async with services.db.transaction() as connection:
            await queue(
                services,
                key=f"retention_notice:{member.id}:{now:%Y%m%d}",
                chat_id=member.telegram_id,
                member_id=member.id,
                lane=Lane.SCHEDULED,
                kind=ACCOUNT_NOTICE,
                payload=message_payload(text),
                now=now,
                connection=connection,
            )
            await retention.mark_notified(connection, member.id, now)
        sent += 1
    if sent:
        services.outbox.wake()
    return sent


async def _erase_due(services: Services, now: datetime, cutoff: datetime) -> int:
    """Erase members past the retention period who were told (or cannot be told)."""
    erased = 0
    for member_id in await retention.due_for_erasure(services.db, cutoff, now - NOTICE, BATCH):
        member = await members.get_by_id(services.db, member_id)
        if member is None:
            continue
        await retention.start_erasing(services.db, member.telegram_id)
        await engagement.record(
            services.db,
            services.pseudonym_key,
            kind="retention_erased",
            now=now,
            telegram_id=member.telegram_id,
            role=member.role,
        )
        await forget(services, member, coordinator_note="retention.coordinators_erased")
        await retention.done_erasing(services.db, member.telegram_id)
        erased += 1
    return erased


async def retention_sweep(ctx: SweepContext) -> int:
    """Finish interrupted erasures, send due notices, erase who is due; how many acted on."""
    services, now = ctx.services, ctx.now
    done = await _finish_interrupted(services)
    # Looking for who is due scans every member (about 70 ms for 20,000, bench/retention_bench.py):
    # hourly is plenty for a period counted in months. Noted only after a complete pass, so a
    # pass cut short is repeated at the next sweep.
    last = services.caches.retention_last_pass
    if isinstance(last, datetime) and now - last < PASS_EVERY:
        return done
    cutoff = months_before(now, services.settings.retention_months)
    notices = await _send_notices(services, now, cutoff)
    erased = await _erase_due(services, now, cutoff)
    if notices < BATCH and erased < BATCH:  # a full batch: more may be waiting, look again soon
        services.caches.retention_last_pass = now
    return done + notices + erased
