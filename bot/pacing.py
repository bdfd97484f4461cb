"""Pacing primitives for the rate limiter: token buckets, sliding windows, and the send gate
that bounds how many sends may be out with their outcome not yet recorded."""

from __future__ import annotations

import asyncio
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

    def wait_time(self, now: float) -> float:
        """Seconds until a token is available (0 if now)."""
        self._refill(now)
        # The epsilon: refill arithmetic can land a hair under a whole token at the due moment.
        return 0.0 if self.tokens >= 1 - 1e-9 else (1 - self.tokens) / self.rate

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

    def wait_time(self, now: float) -> float:
        """Seconds until this chat may receive (0 if now)."""
        wait = self.bucket.wait_time(now)
        return wait if self.window is None else max(wait, self.window.wait_time(now))

    def take(self, now: float) -> None:
        """Spend a send."""
        self.bucket.take(now)
        if self.window is not None:
            self.window.take(now)


class SendGate:
    """Caps how many gated requests may be out at once (granted, outcome not yet recorded).

    The limiter grants a gated request only while the gate has room and counts it in at the
    moment of the grant, so pacing is decided when the request really goes out. The holder
    releases it once the outcome is safely recorded.
    """

    def __init__(self, size: int = 1) -> None:
        self.size = size
        self.holders = 0
        self._listeners: list[asyncio.Event] = []

    def has_room(self) -> bool:
        """True if one more request may go out."""
        return self.holders < self.size

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

    def __init__(self, gate: SendGate) -> None:
        self.gate = gate
        self.taken = False

    def take(self) -> None:
        """Count this request in (called by the dispatcher when it grants the slot)."""
        if not self.taken:
            self.taken = True
            self.gate.holders += 1

    def release(self) -> None:
        """Give the place back (safe to call when never taken, or twice)."""
        if self.taken:
            self.taken = False
            self.gate.release()
