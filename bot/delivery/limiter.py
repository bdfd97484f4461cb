"""The priority rate limiter every outgoing request passes through.

PTB's stock AIORateLimiter has no per-chat pacing and no priorities, so a wave of scheduled
nudges would sit in front of a crisis reply. Here each request waits in a lane
(crisis > interactive > relay > scheduled > broadcast); one dispatcher grants send slots in lane
order while keeping under Telegram's limits (global per second, per chat per second with a small
burst, per group per minute). A 429 pauses only the chat it concerns and honours retry_after.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from telegram.error import BadRequest, NetworkError, RetryAfter, TimedOut
from telegram.ext import BaseRateLimiter

from bot.core import metrics
from bot.delivery.lanes import LOW_LANES, Lane
from bot.delivery.pacing import Bucket, ChatPace, GateTicket, SlidingWindow

log = logging.getLogger(__name__)

# Methods Telegram counts against flood limits; everything else (answerCallbackQuery,
# getChatMember, setMyCommands...) passes straight through.
PACED_PREFIXES = ("send", "copyMessage", "forwardMessage", "editMessage")
SCAN_DEPTH = 64  # how far into a lane we look for a chat that is ready to receive
MAX_429_RETRIES = 5
# Direct replies (not outbox rows, which retry on their own schedule) are tried again after a 5xx,
# a dropped connection or a timeout. A timeout may hide a message that did arrive, so a retry can
# show it twice: we take a rare duplicate over a reply that never comes (and if all tries fail,
# handlers hand the reply to the outbox: bot/delivery/handover.py).
MAX_NETWORK_RETRIES = 2
NETWORK_RETRY_PAUSE = 0.25  # seconds, doubled each time
# Seconds' worth of global sends that may go at once. Small: with several sends in flight, a
# burst granted after the loop was busy reaches Telegram together, and a round trip's jitter can
# then put a 31st into one of Telegram's one-second windows. At 25/s this is one token: grants
# stay 40 ms apart, at most 26 in any second, so arrivals may bunch by four without a 429.
GLOBAL_BURST = 0.04
LOW_LANE_CHAT_RESERVE = 1.0  # of a private chat's burst of 2; a group's burst is 1 (no reserve)
WINDOW_MARGIN = 0.5  # seconds: a grant reaches Telegram a little later than it is made


@dataclass
class _Waiter:
    chat_id: int | None
    granted: asyncio.Future[None]
    ticket: GateTicket | None = None


class PriorityRateLimiter(BaseRateLimiter[dict[str, Any]]):
    """Lane-ordered pacing under Telegram's global, per-chat and per-group limits."""

    def __init__(
        self,
        global_per_second: float = 25.0,
        chat_per_second: float = 1.0,
        group_per_minute: float = 20.0,
        chat_burst: int = 3,
    ) -> None:
        # Telegram counts messages in sliding one-second windows: a bucket may send its burst
        # plus one second of refill inside one window, so the burst is a small fraction of the
        # rate (25/s + 1 = 26, under Telegram's 30), not a whole second's worth.
        self.global_bucket = Bucket(global_per_second, max(1.0, global_per_second * GLOBAL_BURST))
        # Likewise per chat: Telegram allows a chat `chat_burst` messages in any one second, so
        # the bucket's burst plus a second's refill must not pass it.
        self.chat_rate = chat_per_second
        self.chat_burst = max(1.0, chat_burst - chat_per_second)
        self.group_rate = group_per_minute / 60.0
        self.group_per_minute = max(1, int(group_per_minute))
        self.chat_buckets: dict[int, ChatPace] = {}
        self.paused_until: dict[int | None, float] = {}  # chat id (None = everything) -> time
        self.lanes: dict[Lane, deque[_Waiter]] = {lane: deque() for lane in Lane}
        self.granted_by_lane: dict[Lane, int] = dict.fromkeys(Lane, 0)
        self.retries_429 = 0
        self._wakeup = asyncio.Event()
        self._dispatcher: asyncio.Task[None] | None = None

    async def initialize(self) -> None:
        """Start the dispatcher."""
        if self._dispatcher is None:
            self._dispatcher = asyncio.create_task(self._dispatch(), name="rate-limiter")

    async def shutdown(self) -> None:
        """Stop the dispatcher; waiting requests are released so nothing hangs."""
        if self._dispatcher is not None:
            self._dispatcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._dispatcher
            self._dispatcher = None
        for queue in self.lanes.values():
            while queue:
                waiter = queue.popleft()
                if not waiter.granted.done():
                    waiter.granted.set_result(None)

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: dict[str, Any] | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        """Wait for a slot in the request's lane, send, and retry after a 429 (direct replies
        also after a 5xx or a timeout).

        `rate_limit_args`: "lane" (a Lane); optionally "ticket", a GateTicket: the request is
        granted only while its gate has room (the outbox uses it to keep at most one unrecorded
        send in flight), and "retry_429": False to hand a 429 back to the caller at once (after
        pausing the chat) instead of retrying here.
        """
        callback = metrics.counted(callback, endpoint)
        if endpoint == "getMe":  # start-up: the runner retries it with its own backoff
            return await callback(*args, **kwargs)
        if endpoint == "answerCallbackQuery":
            return await self._answer_button(callback, args, kwargs)
        if not endpoint.startswith(PACED_PREFIXES):
            return await self._unpaced(callback, args, kwargs, endpoint)
        options = rate_limit_args or {}
        lane = Lane(options.get("lane", Lane.INTERACTIVE))
        ticket: GateTicket | None = options.get("ticket")
        retries = MAX_429_RETRIES if options.get("retry_429", True) else 0
        chat_id = data.get("chat_id") if isinstance(data.get("chat_id"), int) else None
        network_retries = 0 if ticket is not None else MAX_NETWORK_RETRIES
        attempt = 0
        while True:
            if ticket is not None:
                ticket.release()  # a retry queues again like any other request
            await self._wait_for_slot(lane, chat_id, ticket)
            try:
                return await callback(*args, **kwargs)
            except NetworkError as exc:
                if isinstance(exc, BadRequest) or network_retries == 0:
                    raise
                network_retries -= 1
                log.warning(
                    "%s for a %s message; trying again", type(exc).__name__, lane.name.lower()
                )
                await asyncio.sleep(NETWORK_RETRY_PAUSE * 2 ** (1 - network_retries))
            except RetryAfter as exc:
                delay = (
                    exc.retry_after
                    if isinstance(exc.retry_after, int | float)
                    else exc.retry_after.total_seconds()
                )
                # Telegram's 429 in reply to a chat's message is about that chat: pause only it.
                self.paused_until[chat_id] = time.monotonic() + float(delay)
                self.retries_429 += 1
                log.warning(
                    "429 from Telegram for a %s message; pausing that chat %.0fs",
                    lane.name.lower(),
                    delay,
                )
                if attempt == retries:
                    raise
                attempt += 1

    async def _answer_button(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        """answerCallbackQuery, which must never stop a handler half-way: it only ends the
        spinner on the pressed button (or shows a short notice), and the flow's real answer
        follows. A press whose answer Telegram keeps failing, or that is too old to answer
        (pressed while the bot was down: Telegram allows about 15 s), counts as answered."""
        try:
            return await self._unpaced(callback, args, kwargs, "answerCallbackQuery")
        except BadRequest as exc:
            text = exc.message.lower()
            if "query is too old" not in text and "query id is invalid" not in text:
                raise
            log.info("a button press was too old to answer; carrying on")
        except (NetworkError, RetryAfter) as exc:
            log.warning(
                "a button press could not be answered (%s); carrying on", type(exc).__name__
            )
        return True

    async def _unpaced(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        """Calls Telegram does not pace (button answers, membership checks...): tried again
        after a 429 or a 5xx; reads (get*) and button answers also after a timeout (a second
        answer to a press changes nothing)."""
        for attempt in range(MAX_NETWORK_RETRIES + 1):
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as exc:
                if attempt == MAX_NETWORK_RETRIES:
                    raise
                delay = exc.retry_after
                seconds = delay if isinstance(delay, int | float) else delay.total_seconds()
                await asyncio.sleep(min(float(seconds), 5.0))
            except NetworkError as exc:
                repeatable = endpoint.startswith("get") or endpoint == "answerCallbackQuery"
                if (
                    isinstance(exc, BadRequest)
                    or attempt == MAX_NETWORK_RETRIES
                    or (isinstance(exc, TimedOut) and not repeatable)
                ):
                    raise
                await asyncio.sleep(NETWORK_RETRY_PAUSE * 2**attempt)
        raise AssertionError("unreachable")

    async def _wait_for_slot(
        self, lane: Lane, chat_id: int | None, ticket: GateTicket | None = None
    ) -> None:
        if self._dispatcher is None:
            await self.initialize()
        if ticket is not None:
            ticket.gate.listen(self._wakeup)
        waiter = _Waiter(chat_id, asyncio.get_running_loop().create_future(), ticket)
        self.lanes[lane].append(waiter)
        self._wakeup.set()
        await waiter.granted

    def _chat_bucket(self, chat_id: int) -> ChatPace:
        pace = self.chat_buckets.get(chat_id)
        if pace is None:
            if chat_id < 0:  # groups: 20 a minute, evenly spaced, never 21 in a minute
                pace = ChatPace(
                    Bucket(self.group_rate, 1.0),
                    SlidingWindow(self.group_per_minute, 60.0 + WINDOW_MARGIN),
                )
            else:
                pace = ChatPace(Bucket(self.chat_rate, self.chat_burst))
            self.chat_buckets[chat_id] = pace
        return pace

    def _ready_in(self, waiter: _Waiter, lane: Lane, now: float) -> float:
        """Seconds until this waiter's chat may receive (0 = now; inf = when its gate frees)."""
        if waiter.ticket is not None and not waiter.ticket.has_room():
            return float("inf")
        if waiter.chat_id is None:
            return 0.0
        paused = max(0.0, self.paused_until.get(waiter.chat_id, 0.0) - now)
        if lane is Lane.CRISIS:
            return paused  # a crisis reply is never held back by the chat's own pacing
        # Scheduled and broadcast messages leave one of the chat's burst in reserve, so a reply
        # to what the member does next (or a partner's relayed message) never waits for the
        # chat's pacing because a nudge just went: nudges to one chat still go at its 1/s.
        reserve = LOW_LANE_CHAT_RESERVE if lane in LOW_LANES else 0.0
        return max(paused, self._chat_bucket(waiter.chat_id).wait_time(now, reserve))

    def _pick(self, now: float) -> tuple[Lane, _Waiter] | float:
        """The best waiter that may go now, or how long until one might."""
        soonest = float("inf")
        for lane in Lane:
            queue = self.lanes[lane]
            for index, waiter in enumerate(queue):
                if index >= SCAN_DEPTH:
                    break
                if waiter.granted.done():  # its requester was cancelled
                    del queue[index]
                    return self._pick(now)
                wait = self._ready_in(waiter, lane, now)
                if wait == 0.0:
                    del queue[index]
                    return lane, waiter
                soonest = min(soonest, wait)
        return soonest

    async def _dispatch(self) -> None:
        """Grant slots one at a time, in lane order, as the buckets allow."""
        while True:
            if not any(self.lanes.values()):
                self._wakeup.clear()
                await self._wakeup.wait()
                continue
            now = time.monotonic()
            global_wait = max(
                self.global_bucket.wait_time(now), self.paused_until.get(None, 0.0) - now
            )
            if global_wait > 0:
                await asyncio.sleep(global_wait)
                continue
            choice = self._pick(now)
            if isinstance(choice, float):
                self._wakeup.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wakeup.wait(), timeout=min(choice, 1.0))
                continue
            lane, waiter = choice
            self.global_bucket.take(now)
            if waiter.chat_id is not None:
                self._chat_bucket(waiter.chat_id).take(now)
            self.granted_by_lane[lane] += 1
            if waiter.ticket is not None:
                waiter.ticket.take()
            waiter.granted.set_result(None)
