"""Pacing primitives for the rate limiter: token buckets, sliding windows, and the send gate
that bounds how many sends may be out with their outcome not yet recorded."""

from __future__ import annotations

import asyncio
import math
import time
from collections import deque
from dataclasses import dataclass, field


@dataclass
class Bucket:
    """A token bucket: `rate` tokens per second, holding at most `burst`."""

    rate: float
    burst: float
    tokens: float = field(init=False)
    stamp: float = field(default_factory=time.monotonic)

    def __post_init__(self) -> None:
        self.tokens = self.burst

    def _refill(self, now: float) -> None:
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now

    def wait_time(self, now: float, reserve: float = 0.0) -> float:
        """Seconds until a token is available with `reserve` tokens left over (0 if now)."""
        self._refill(now)
        needed = 1 + min(reserve, self.burst - 1)
        # The epsilon: refill arithmetic can land a hair under a whole token at the due moment.
        return 0.0 if self.tokens >= needed - 1e-9 else (needed - self.tokens) / self.rate

    def take(self, now: float) -> None:
        """Spend one token (may go negative after a forced send)."""
        self._refill(now)
        self.tokens -= 1


@dataclass
class SlidingWindow:
    """At most `limit` grants in any `seconds` (Telegram counts a group's 20 a minute this way;
    a token bucket would let its burst come on top of the minute's 20)."""

    limit: int
    seconds: float
    times: deque[float] = field(default_factory=deque)

    def wait_time(self, now: float) -> float:
        """Seconds until one more grant fits in the window (0 if now)."""
        while self.times and now - self.times[0] >= self.seconds:
            self.times.popleft()
        return 0.0 if len(self.times) < self.limit else self.times[0] + self.seconds - now

    def take(self, now: float) -> None:
        """Record a grant."""
        self.times.append(now)


@dataclass
class ChatPace:
    """A chat's pacing: a token bucket, and for groups also a per-minute window."""

    bucket: Bucket
    window: SlidingWindow | None = None

    def wait_time(self, now: float, reserve: float = 0.0) -> float:
        """Seconds until this chat may receive (0 if now), `reserve` tokens left over."""
        wait = self.bucket.wait_time(now, reserve)
        return wait if self.window is None else max(wait, self.window.wait_time(now))

    def take(self, now: float) -> None:
        """Spend a send."""
        self.bucket.take(now)
        if self.window is not None:
            self.window.take(now)


MAX_IN_FLIGHT = 8  # the most unrecorded sends at once: the duplicate bound after a crash
HEADROOM = 1.25  # a little more than rate x cycle, so jitter in the round trip costs no pace
SMOOTHING = 0.2  # weight of each new cycle time in the running estimate


class SendGate:
    """Caps how many gated requests may be out at once (granted, outcome not yet recorded).

    The limiter grants a gated request only while the gate has room and counts it in at the
    moment of the grant, so pacing is decided when the request really goes out. The holder
    releases it once the outcome is safely recorded.

    With `rate` set the size follows the measured cycle (grant to outcome recorded: Telegram's
    round trip plus our bookkeeping): enough sends in flight to keep `rate` a second, between 1
    and `MAX_IN_FLIGHT` (one sent at a time caps the pace at 1 / cycle, 12 a second at 80 ms).
    Scheduled and broadcast requests (`low`) get one place fewer than the others, so a reply
    or a relayed message never waits for a wave of prompts to free a place.
    """

    def __init__(
        self, size: int = 1, *, rate: float | None = None, max_size: int = MAX_IN_FLIGHT
    ) -> None:
        self.size = size
        self.rate = rate
        self.max_size = max(1, max_size)
        self.cycle: float | None = None  # running estimate, seconds
        self.holders = 0
        self._listeners: list[asyncio.Event] = []

    def has_room(self, low: bool = False) -> bool:
        """True if one more request may go out (low lanes keep one place free for the rest)."""
        limit = self.size - 1 if low and self.size > 1 else self.size
        return self.holders < limit

    def observe(self, seconds: float) -> None:
        """A gated request took `seconds` from grant to recorded outcome: resize the gate."""
        if self.rate is None:
            return
        self.cycle = (
            seconds if self.cycle is None else ((1 - SMOOTHING) * self.cycle + SMOOTHING * seconds)
        )
        needed = math.ceil(self.rate * self.cycle * HEADROOM)
        # +1: the place kept for replies and relayed messages when the gate is wider than one.
        self.size = max(1, min(self.max_size, needed + 1 if needed > 1 else needed))

    def listen(self, event: asyncio.Event) -> None:
        """Set `event` whenever a place frees up (the limiter's dispatcher waits on it)."""
        if event not in self._listeners:
            self._listeners.append(event)

    def release(self) -> None:
        """One holder is done."""
        self.holders -= 1
        for event in self._listeners:
            event.set()


class GateTicket:
    """One request's place in a SendGate: taken by the limiter at grant time, released once."""

    def __init__(self, gate: SendGate, low: bool = False) -> None:
        self.gate = gate
        self.low = low
        self.taken = False
        self._since = 0.0

    def has_room(self) -> bool:
        """May this request go out now?"""
        return self.gate.has_room(self.low)

    def take(self) -> None:
        """Count this request in (called by the dispatcher when it grants the slot)."""
        if not self.taken:
            self.taken = True
            self._since = time.monotonic()
            self.gate.holders += 1

    def release(self, completed: bool = False) -> None:
        """Give the place back (safe to call when never taken, or twice); `completed`: the
        request went out and its outcome is recorded, so its cycle time is a measurement."""
        if self.taken:
            self.taken = False
            if completed:
                self.gate.observe(time.monotonic() - self._since)
            self.gate.release()
