"""The sender: delivers due outbox rows through the rate limiter and records each outcome.

At send time (not at enqueue time: people pause, block the bot, or change quiet hours in between)
every non-crisis row is checked against its recipient's window: quiet hours and /pause hold it,
an unreachable member holds it (a broadcast skips them), and a row past its `expires_at` is
skipped as stale and counted. Crisis rows are never held, nor are answers to what the member has
just done (`bot.holds.ANSWER_KINDS`). A chat has one row in flight at a time, and scheduled or
broadcast rows take at most half of the window (see `storage.outbox.due_with_recipients`).

Failures: a 429 waits Telegram's retry_after and costs no attempt (for a row's first six hours);
other failures back off and give up after MAX_ATTEMPTS, logged at ERROR, except crisis rows,
which are retried until delivered or the recipient is unreachable.

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
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from telegram import Bot
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TimedOut,
)

from bot.clock import from_db
from bot.health import record_coordinators_reachable
from bot.holds import plan
from bot.lanes import Lane
from bot.outbox_hooks import FAILED_HOOKS, SENT_HOOKS, call_bot
from bot.pacing import GateTicket, SendGate
from storage import outbox

if TYPE_CHECKING:
    from bot.services import Services

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 8
# A 429 is Telegram saying "later", not a failure: it costs no attempt while the row is younger
# than this (past it, a row that is still being refused counts its 429s like other failures).
RATE_LIMITED_FOR_FREE = timedelta(hours=6)
WINDOW = 64  # rows handed to the rate limiter at once; it orders them with every other request
# Scheduled and broadcast rows may fill only this share of the window, so a reply or a relayed
# message never waits for a wave of nudges to leave the window before it can even be claimed.
LOW_LANE_SHARE = 0.5
STOP_CHECK_SECONDS = 1.0  # an idle sender notices a stopping application this fast

class Outbox:
    """Queues messages and delivers the due ones."""

    def __init__(
        self, services: Services, window: int = WINDOW, in_flight: int | None = None
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
        self._wake = asyncio.Event()
        self._recovered = False
        self._broadcasts: set[int] = set()
        # Broadcast progress edits run beside the pump: awaited inline, an edit waiting its turn
        # in the limiter would stop the pump claiming anything, a crisis alert included.
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
                await self._pump(bot, until_idle=False, idle_seconds=idle_seconds,
                                 running=running)
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
            count = await outbox.recover_interrupted(self.services.db)
            if count:
                log.warning("%d outbox rows were cut off by a restart; sending them again", count)

    async def _claim(self, bot: Bot, room: int, tasks: set[asyncio.Task[None]]) -> int:
        """Look at up to `room` due rows: start sends, hold or skip; returns rows looked at."""
        async with self._claim_lock:
            return await self._claim_locked(bot, room, tasks)

    async def _claim_locked(self, bot: Bot, room: int, tasks: set[asyncio.Task[None]]) -> int:
        now = self.services.clock.now()
        db = self.services.db
        due = await outbox.due_with_recipients(db, now, room, outbox.URGENT_LANES)
        low_room = min(room - len(due), self._low_cap - self._low_in_flight)
        if low_room > 0:
            due += await outbox.due_with_recipients(db, now, low_room, outbox.LOW_LANES)
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
                self._broadcasts.add(entry.item.broadcast_id)
        if due:
            await outbox.settle(self.services.db, now, claim=claim, hold=hold, skip=skip)
            self.stats["held"] += len(hold)
            self.stats["skipped"] += len(skip)
            if skip:
                log.info("skipped %d outbox rows on purpose (stale or unreachable)", len(skip))
        for entry in starting:
            if entry.item.lane in outbox.LOW_LANES:
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
                if self._broadcasts and (self._progress is None or self._progress.done()):
                    self._progress = asyncio.create_task(self._report_broadcasts(bot))
                if not tasks and until_idle:
                    if looked == 0:
                        return
                    continue  # everything looked at was held or skipped: look for more
                # With a wake pending but no room, only a finishing send can change anything.
                waker = asyncio.create_task(
                    self._wake.wait() if room > 0 or not woken else asyncio.Event().wait())
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
            if until_idle:  # the last sends may have finished a broadcast: report it now
                await self._report_broadcasts(bot)

    async def _report_broadcasts(self, bot: Bot) -> None:
        if not self._broadcasts:
            return
        from bot.broadcast import refresh_progress  # the broadcast feature uses this module

        for broadcast_id in list(self._broadcasts):
            try:
                if await refresh_progress(self.services, bot, broadcast_id):
                    self._broadcasts.discard(broadcast_id)
            except Exception:
                log.exception("broadcast progress update failed")

    async def _deliver(self, bot: Bot, due: outbox.DueItem) -> None:
        """Send one claimed row and record the outcome."""
        item = due.item
        lane = Lane[item.lane.upper()]
        # Crisis rows skip the gate: a duplicate crisis alert beats a late one.
        low = item.lane in outbox.LOW_LANES
        ticket = None if lane is Lane.CRISIS else GateTicket(self._gate, low=low)
        options = None if ticket is None else {"ticket": ticket, "retry_429": False}
        sent, result, recorded = False, None, False
        try:
            sent, result = await self._send_and_record(bot, due, lane, options)
            recorded = True
        finally:
            if ticket is not None:
                ticket.release(completed=recorded)  # only now: the outcome is recorded
            if item.lane in outbox.LOW_LANES:
                self._low_in_flight -= 1
            else:
                # The chat's next row (held back while this one was in flight) may go now.
                self._wake.set()
        if sent:
            await self._after_sent(due, result)

    async def _send_and_record(
        self, bot: Bot, due: outbox.DueItem, lane: Lane, options: dict[str, Any] | None
    ) -> tuple[bool, Any]:
        """Send one row and record the outcome; (True, Telegram's result) if it went out."""
        item, db = due.item, self.services.db
        try:
            result = await call_bot(
                bot, item.method, item.chat_id, dict(item.payload), lane, options
            )
        except ChatMigrated as exc:  # the group became a supergroup: same row, new chat id
            await self._failed(item, f"migrated:{exc.new_chat_id}")
            await self._retry(item, "chat migrated", timedelta(0))
        except Forbidden as exc:
            # They blocked the bot: expected for a nudge, worth an operator's eye for crisis.
            log.log(logging.ERROR if lane is Lane.CRISIS else logging.INFO,
                    "outbox row %s (%s) not delivered: the recipient blocked the bot",
                    item.id, item.kind)
            await outbox.mark_failed(db, item.id, "forbidden", final=True)
            self.stats["failed"] += 1
            await self._failed(item, f"forbidden: {exc.message}")
            await self._coordinators_reached(item, False, "the bot is not in the group")
            if item.member_id is not None:
                from bot.delivery_notices import member_unreachable

                await member_unreachable(self.services, item.member_id)
        except BadRequest as exc:
            if item.method.startswith("editMessage") and "not modified" in exc.message.lower():
                # The message already shows this (an earlier attempt arrived though its answer
                # was lost, or an identical refresh): the row's purpose is fulfilled.
                await outbox.mark_sent(db, item.id, self.services.clock.now())
                self.stats["sent"] += 1
                return False, None
            log.error("outbox row %s (%s) refused by Telegram: %s", item.id, item.kind, exc.message)
            await outbox.mark_failed(db, item.id, "bad request", final=True)
            self.stats["failed"] += 1
            await self._failed(item, f"bad request: {exc.message}")
            if "chat not found" in exc.message.lower():
                await self._coordinators_reached(item, False, "chat not found")
        except TimedOut:
            # It may have arrived: sending again risks a duplicate, which we take over a loss.
            await self._retry(item, "timed out")
        except RetryAfter as exc:  # the limiter paused the chat; come back when Telegram says
            delay = exc.retry_after
            seconds = delay if isinstance(delay, int | float) else delay.total_seconds()
            created = from_db(item.created_at)
            free = created is None or self.services.clock.now() - created < RATE_LIMITED_FOR_FREE
            await self._retry(item, "429", timedelta(seconds=float(seconds)), counts=not free)
        except NetworkError as exc:
            await self._retry(item, f"network: {type(exc).__name__}")
        except Exception as exc:  # a bug in a payload must not wedge the sender
            log.exception("outbox row %s (%s) failed", item.id, item.kind)
            await self._retry(item, f"error: {type(exc).__name__}")
        else:
            await outbox.mark_sent(db, item.id, self.services.clock.now())
            self.stats["sent"] += 1
            await self._coordinators_reached(item, True)
            return True, result
        return False, None

    async def _coordinators_reached(self, item: outbox.OutboxItem, reached: bool,
                                    reason: str = "") -> None:
        """Record whether the coordinators' group can be reached (`bot.health` reports it); at
        most 20 messages a minute go there, so one small write each costs nothing."""
        if item.chat_id != self.services.settings.coordinator_chat_id:
            return
        await record_coordinators_reachable(self.services.db, reached, self.services.clock.now(),
                                            reason)

    async def _after_sent(self, due: outbox.DueItem, result: Any) -> None:
        """What follows a delivery (outside the send gate: the outcome is already recorded)."""
        item, db = due.item, self.services.db
        hook = SENT_HOOKS.get(item.kind)
        if hook is not None:
            try:
                await hook(self.services, item, result)
            except Exception:  # the message went out; a failing hook must not re-send it
                log.exception("after-sent hook for outbox row %s failed", item.id)
        if item.kind == "nudge" and due.recipient is not None:
            from storage import engagement

            await engagement.record(
                db,
                self.services.pseudonym_key,
                kind="nudge_sent",
                now=self.services.clock.now(),
                telegram_id=due.recipient.telegram_id,
                role=due.recipient.role,
            )

    async def _retry(
        self, item: outbox.OutboxItem, error: str, delay: timedelta | None = None,
        *, counts: bool = True,
    ) -> None:
        """Try again later with exponential backoff (5 s, 10 s, ... 5 min), or give up.

        Crisis rows never give up here: only a recipient who blocked the bot (Forbidden) or a
        request Telegram can never accept (BadRequest) ends them. `counts=False` (a 429) keeps
        the attempt count as it was.
        """
        attempts = item.attempts + (1 if counts else 0)
        final = counts and item.lane != "crisis" and attempts >= MAX_ATTEMPTS
        wait = (delay if delay is not None
                else timedelta(seconds=min(300, 5 * 2**min(item.attempts, 6))))
        if final:
            log.error("outbox row %s (%s) failed for good after %d attempts: %s",
                      item.id, item.kind, attempts, error)
        else:
            log.warning("outbox row %s: %s (attempt %d)", item.id, error, item.attempts + 1)
        await outbox.mark_failed(
            self.services.db,
            item.id,
            error,
            final=final,
            retry_at=self.services.clock.now() + wait,
            count=counts,
        )
        self.stats["failed" if final else "retried"] += 1
        if final:
            await self._failed(item, f"gave up after {MAX_ATTEMPTS} attempts: {error}")
        elif counts and attempts == MAX_ATTEMPTS:
            # A crisis row keeps trying, but where any other row would give up the failure
            # hooks hear of it once (the alert counts as failing; fallback coordinators get it).
            await self._failed(item, f"still failing after {MAX_ATTEMPTS} attempts: {error}")

    async def _failed(self, item: outbox.OutboxItem, reason: str) -> None:
        """Tell the failure hooks (they must never stop the sender)."""
        for hook in FAILED_HOOKS:
            try:
                await hook(self.services, item, reason)
            except Exception:
                log.exception("failure hook for outbox row %s failed", item.id)
