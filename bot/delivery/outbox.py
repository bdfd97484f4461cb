"""The sender: delivers due outbox rows through the rate limiter and records each outcome.

At send time (not at enqueue time: people pause, block the bot, or change quiet hours in between)
every non-crisis row is checked against its recipient's window: quiet hours and /pause hold it,
an unreachable member holds it (a broadcast skips them), and a row past its `expires_at` is
skipped as stale and counted. Crisis rows are never held, nor are answers to what the member has
just done (`bot.delivery.holds.ANSWER_KINDS`). A chat has one row in flight at a time, and scheduled or
broadcast rows take at most half of the window (see `storage.outbox_sending.due_with_recipients`).

Sending one row and recording its outcome (retries, backoff, giving up) is `bot.delivery.outbox_results`.
The sender knows no feature: what a delivery or a failure means to one is told to the hooks the
composition root installs (`bot.delivery.outbox_hooks`, `bot.composition`).

Crash safety: rows are claimed ('sending') in one transaction before their sends start and marked
'sent' as soon as each send returns; at start-up rows still 'sending' go back to 'pending'. Only
the sends in flight at the crash (Telegram accepted them, the outcome was not yet written) can
arrive twice: at most the gate's size, 1 to 8, sized to rate x measured round trip.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

from telegram import Bot

from bot.delivery.holds import plan
from bot.delivery.lanes import Lane
from bot.delivery.outbox_hooks import HOOKS
from bot.delivery.outbox_results import RowSender, SenderServices
from bot.delivery.pacing import GateTicket, SendGate
from storage import outbox, outbox_sending

log = logging.getLogger(__name__)
WINDOW = 64  # rows handed to the rate limiter at once; it orders them with every other request
# Scheduled and broadcast rows may fill only this share of the window, so a reply or a relayed
# message never waits for a wave of nudges to leave the window before it can even be claimed.
LOW_LANE_SHARE = 0.5
STOP_CHECK_SECONDS = 1.0  # an idle sender notices a stopping application this fast


class Outbox:
    """Queues messages and delivers the due ones."""

    def __init__(
        self, services: SenderServices, window: int = WINDOW, in_flight: int | None = None
    ) -> None:
        self.services = services
        self.window = window
        # Non-crisis sends between "request out" and "outcome recorded" are exactly the ones a
        # kill -9 could make arrive twice. Their number follows rate x measured round trip
        # (1 to MAX_IN_FLIGHT, see SendGate), so the pace holds at Telegram's real round trip
        # and a crash duplicates at most that many; `in_flight` fixes the number instead.
        rate = None if in_flight else services.settings.rate_global_per_second
        self._gate = SendGate(in_flight or 1, rate=rate)
        self._low_in_flight = 0  # scheduled/broadcast rows claimed and not yet settled
        self._low_cap = max(1, int(window * LOW_LANE_SHARE))
        self.stats: dict[str, int] = {"sent": 0, "held": 0, "skipped": 0, "failed": 0, "retried": 0}
        self._rows = RowSender(services, self.stats)
        self._wake = asyncio.Event()
        self._recovered = False
        self._batches: set[int] = set()
        # Batch progress (a broadcast's report) runs beside the pump: awaited inline, an edit
        # waiting its turn in the limiter would stop the pump claiming anything, crisis included.
        self._progress: asyncio.Task[None] | None = None
        # Two rounds in one process (the background sender and a test's flush) must never
        # select the same pending row before either has claimed it.
        self._claim_lock = asyncio.Lock()

    @property
    def in_flight_limit(self) -> int:
        """How many non-crisis sends may be unrecorded at once right now (the crash bound)."""
        return self._gate.size

    def wake(self) -> None:
        """Ask the background sender to look at the outbox now (after enqueuing urgent work)."""
        self._wake.set()

    async def run_forever(
        self, bot: Bot, idle_seconds: float = 5.0, running: Callable[[], bool] = lambda: True
    ) -> None:
        """Background sender: deliver due rows continuously, looking again when woken.

        Returns soon after `running()` turns False (the application stopping waits for this
        task), once the sends in flight have recorded their outcome.
        """
        while running():
            try:
                await self._pump(bot, until_idle=False, idle_seconds=idle_seconds, running=running)
            except Exception:  # keep the sender alive; the next round retries
                log.exception("outbox sender failed; restarting it")
                await asyncio.sleep(1)

    async def send_due(self, bot: Bot) -> int:
        """Deliver everything due now and wait for the outcomes; returns how many were sent."""
        before = self.stats["sent"]
        await self._pump(bot, until_idle=True)
        return self.stats["sent"] - before

    async def _recover(self) -> None:
        if not self._recovered:
            self._recovered = True
            count = await outbox_sending.recover_interrupted(self.services.db)
            if count:
                log.warning("%d outbox rows were cut off by a restart; sending them again", count)

    async def _claim(self, bot: Bot, room: int, tasks: set[asyncio.Task[None]]) -> int:
        """Look at up to `room` due rows: start sends, hold or skip; returns rows looked at."""
        async with self._claim_lock:
            return await self._claim_locked(bot, room, tasks)

    async def _claim_locked(self, bot: Bot, room: int, tasks: set[asyncio.Task[None]]) -> int:
        now = self.services.clock.now()
        db = self.services.db
        due = await outbox_sending.due_with_recipients(db, now, room, outbox_sending.URGENT_LANES)
        low_room = min(room - len(due), self._low_cap - self._low_in_flight)
        if low_room > 0:
            due += await outbox_sending.due_with_recipients(
                db, now, low_room, outbox_sending.LOW_LANES
            )
        claim, hold, skip, starting = [], [], [], []
        for entry in due:
            try:
                action, value = plan(entry, now)
            except (ValueError, KeyError):  # an unusable time zone: better sent than stuck
                log.warning("outbox row %s: recipient's delivery window unreadable", entry.item.id)
                action, value = "send", None
            if action == "send":
                claim.append(entry.item.id)
                starting.append(entry)
            elif action == "hold":
                hold.append((entry.item.id, value))
            else:
                skip.append((entry.item.id, value))
            if entry.item.broadcast_id is not None:
                self._batches.add(entry.item.broadcast_id)
        if due:
            await outbox_sending.settle(self.services.db, now, claim=claim, hold=hold, skip=skip)
            self.stats["held"] += len(hold)
            self.stats["skipped"] += len(skip)
            if skip:
                log.info("skipped %d outbox rows on purpose (stale or unreachable)", len(skip))
        for entry in starting:
            if entry.item.lane in outbox_sending.LOW_LANES:
                self._low_in_flight += 1
            tasks.add(asyncio.create_task(self._deliver(bot, entry), name="outbox-send"))
        return len(due)

    async def _pump(
        self,
        bot: Bot,
        *,
        until_idle: bool,
        idle_seconds: float = 5.0,
        running: Callable[[], bool] = lambda: True,
    ) -> None:
        await self._recover()
        tasks: set[asyncio.Task[None]] = set()
        try:
            while running():
                woken = self._wake.is_set()
                room = self.window - len(tasks)
                batch = min(room, self._low_cap - self._low_in_flight)
                looked = 0
                # Refill in batches (one query per quarter window, not per send) unless woken
                # for urgent work or idle. A wake that finds no room stays set, so the urgent row
                # is claimed at the next free slot.
                if room > 0 and (woken or not tasks or batch >= self._low_cap // 4):
                    self._wake.clear()
                    looked = await self._claim(bot, room, tasks)
                    if looked == room:
                        continue  # a full page: there may be more due right now
                if self._batches and (self._progress is None or self._progress.done()):
                    self._progress = asyncio.create_task(self._report_batches(bot))
                if not tasks and until_idle:
                    if looked == 0:
                        return
                    continue  # everything looked at was held or skipped: look for more
                # With a wake pending but no room, only a finishing send can change anything.
                waker = asyncio.create_task(
                    self._wake.wait() if room > 0 or not woken else asyncio.Event().wait()
                )
                try:
                    done, _ = await asyncio.wait(
                        {*tasks, waker},
                        timeout=None if tasks else min(idle_seconds, STOP_CHECK_SECONDS),
                        return_when=asyncio.FIRST_COMPLETED,
                    )
                finally:
                    waker.cancel()
                for task in done - {waker}:
                    tasks.discard(task)
                    if task.exception() is not None:
                        log.error("outbox send crashed: %r", task.exception())
                if not done and until_idle:
                    return
        finally:
            if tasks:  # cancelled (shutdown): let in-flight sends finish recording their outcome
                with contextlib.suppress(Exception):
                    await asyncio.gather(*tasks, return_exceptions=True)
            if self._progress is not None:
                with contextlib.suppress(Exception):
                    await self._progress
            if until_idle:  # the last sends may have finished a batch: report it now
                await self._report_batches(bot)

    async def _report_batches(self, bot: Bot) -> None:
        """Tell the batch hooks (a broadcast's progress report); forget a batch once finished."""
        if not HOOKS.batch:
            self._batches.clear()
            return
        for batch_id in list(self._batches):
            for hook in HOOKS.batch:
                try:
                    if await hook(self.services, bot, batch_id):
                        self._batches.discard(batch_id)
                except Exception:
                    log.exception("progress hook for batch %s failed", batch_id)

    async def _deliver(self, bot: Bot, due: outbox.DueItem) -> None:
        """Send one claimed row and record the outcome."""
        item = due.item
        lane = Lane[item.lane.upper()]
        # Crisis rows skip the gate: a duplicate crisis alert beats a late one.
        low = item.lane in outbox_sending.LOW_LANES
        ticket = None if lane is Lane.CRISIS else GateTicket(self._gate, low=low)
        options = None if ticket is None else {"ticket": ticket, "retry_429": False}
        sent, result, recorded = False, None, False
        try:
            sent, result = await self._rows.send_and_record(bot, due, lane, options)
            recorded = True
        finally:
            if ticket is not None:
                ticket.release(completed=recorded)  # only now: the outcome is recorded
            if item.lane in outbox_sending.LOW_LANES:
                self._low_in_flight -= 1
            else:
                # The chat's next row (held back while this one was in flight) may go now.
                self._wake.set()
        if sent:
            await self._rows.after_sent(due, result)
