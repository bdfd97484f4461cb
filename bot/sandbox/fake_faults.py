"""What the fake Telegram can be told to get wrong: random or queued faults, flood limits, timeouts."""

from __future__ import annotations

import random
from dataclasses import dataclass, field


@dataclass
class Faults:
    """What can go wrong, by probability or as a queue of one-off failures."""

    rate_429: float = 0.0
    rate_5xx: float = 0.0
    rate_timeout: float = 0.0
    retry_after: int = 1
    latency: float = 0.0
    # Faults for the next requests, in order: "429", "500", "timeout", "timeout_delivered", or
    # None to let one request through.
    queued: list[str | None] = field(default_factory=list)
    seed: int = 1234

    def __post_init__(self) -> None:
        self.random = random.Random(self.seed)


@dataclass
class Limits:
    """Telegram's flood limits, enforced when `enforce` is on (benchmarks)."""

    enforce: bool = False
    global_per_second: float = 30.0
    chat_per_second: float = 1.0
    chat_burst: int = 3
    group_per_minute: float = 20.0


class SandboxTimeout(Exception):
    """The request 'timed out'; `delivered` says whether Telegram nevertheless acted on it."""

    def __init__(self, delivered: bool) -> None:
        super().__init__("timed out")
        self.delivered = delivered
