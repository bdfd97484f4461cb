"""The sweep: turn due work in the database into outbox rows. The composition root lists the sweeps.

A sweep function looks at due-time columns (next_checkin_at, next_realert_at, ...) and enqueues
messages with idempotency keys, so running it twice, or after a crash, never doubles a message.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

from bot.core.clock import to_db

if TYPE_CHECKING:
    from bot.core.clock import Clock
    from storage.db import Database

log = logging.getLogger(__name__)
INTERVAL_SECONDS = 30  # how often the bot runs every sweep


class SweepServices(Protocol):
    """What running the sweeps needs from the application's services (never imported here)."""

    db: Database
    clock: Clock


S = TypeVar("S")


@dataclass(frozen=True)
class SweepContext(Generic[S]):
    """What a sweep function gets: the application's services (passed through untouched, for
    the feature's sweep) and the moment of this sweep."""

    services: S
    now: datetime


SweepFunction = Callable[[SweepContext[Any]], Awaitable[int]]
_SWEEPS: dict[str, SweepFunction] = {}


def install(sweeps: Sequence[tuple[str, SweepFunction]]) -> None:
    """Set the sweeps to run, in order (the composition root's list, `bot.composition`)."""
    names = [name for name, _ in sweeps]
    if len(set(names)) != len(names):
        raise ValueError(f"sweep names must be unique: {names}")
    _SWEEPS.clear()
    _SWEEPS.update(sweeps)


def registered() -> dict[str, SweepFunction]:
    """Every registered sweep, by name."""
    return dict(_SWEEPS)


async def run_sweeps(services: SweepServices) -> dict[str, int]:
    """Run every sweep once; one failing sweep is logged and does not stop the others."""
    context = SweepContext(services, services.clock.now())
    counts: dict[str, int] = {}
    for name, function in _SWEEPS.items():
        try:
            counts[name] = await function(context)
        except Exception:
            log.exception("sweep %s failed", name)
            counts[name] = -1
    await services.db.execute(
        "INSERT INTO kv (key, value) VALUES ('last_sweep_at', ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (to_db(context.now),),
    )
    return counts
