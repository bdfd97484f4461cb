"""Benchmarks 1 and 2: a wave of check-in prompts under enforced limits, with crises during it.

Prints: wave completion time against the ideal (prompts / global rate, and all messages sent
meanwhile, crisis replies included, / global rate), 429s received, and the
time from a member's /crisis to the crisis reply (p50/p99), with our priority limiter and, in the
same run, with a plain FIFO limiter. Limits are scaled up (rate below) so the run stays short;
the fake Telegram enforces the same ratio as the real one (30/s allowed for our 25/s).

    python bench/delivery_wave.py [--members 5000] [--rate 200] [--crises 200] [--latency 0.15]

`--latency` makes the fake Telegram answer every call after that many seconds (a real round
trip is 50-150 ms); the sender keeps rate x round trip sends in flight to hold the pace.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from telegram import Update

import bot.app
from bench._seed import seed_mentees
from bot.core.clock import FakeClock
from bot.delivery.lanes import Lane
from bot.delivery.limiter import PriorityRateLimiter
from bot.delivery.outbox import Outbox
from bot.delivery.pacing import GateTicket
from bot.delivery.sweep import run_sweeps
from bot.sandbox.fake_telegram import FakeTelegram
from bot.sandbox.harness import Sandbox, sandbox_settings
from storage.db import Database

NOON = datetime(2026, 3, 4, 12, tzinfo=UTC)


class FifoRateLimiter(PriorityRateLimiter):
    """The same pacing with every request in one lane: first come, first served."""

    async def _wait_for_slot(
        self, lane: Lane, chat_id: int | None, ticket: GateTicket | None = None
    ) -> None:
        await super()._wait_for_slot(Lane.SCHEDULED, chat_id, ticket)


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile (NaN for no values: a wave run without crises)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


async def run_wave(
    members: int,
    rate: float,
    crises: int,
    limiter: type,
    latency: float = 0.0,
    in_flight: int | None = None,
) -> dict[str, Any]:
    """One wave with `crises` /crisis messages spread over it; returns the figures."""
    folder = Path(tempfile.mkdtemp(prefix="bench-wave-"))
    settings = sandbox_settings(
        folder,
        rate_global_per_second=rate,
        rate_chat_per_second=1.0,
        rate_group_per_minute=20.0,
        log_level="WARNING",
    )
    db = await Database.open(settings.database_path)  # create the schema, then seed
    await db.close()
    seed_mentees(settings.database_path, members, due_at=NOON)
    fake = FakeTelegram(spec=True)
    fake.limits.enforce = True
    fake.limits.global_per_second = rate * 1.2  # Telegram's 30/s for our 25/s
    fake.faults.latency = latency  # every call answered after one round trip
    original = bot.app.PriorityRateLimiter
    bot.app.PriorityRateLimiter = limiter  # type: ignore[misc]
    try:
        clock = FakeClock(NOON)
        sandbox = await Sandbox(settings, clock=clock, fake=fake).start()
    finally:
        bot.app.PriorityRateLimiter = original  # type: ignore[misc]
    assert sandbox.app is not None and sandbox.services is not None
    app, services = sandbox.app, sandbox.services
    if in_flight:  # a fixed number of sends in flight instead of rate x round trip
        services.outbox = Outbox(services, in_flight=in_flight)

    prompts_done = asyncio.Event()
    delivered = {"prompts": 0}
    crisis_sent_at: dict[int, float] = {}
    crisis_latency: list[float] = []
    crisis_users = set(range(9_000_000, 9_000_000 + crises))
    store = fake._store

    def record(chat_id: int, message: dict[str, Any]) -> dict[str, Any]:
        if chat_id in crisis_users and chat_id in crisis_sent_at:
            crisis_latency.append(time.perf_counter() - crisis_sent_at.pop(chat_id))
        elif chat_id > 0 and chat_id not in crisis_users:
            delivered["prompts"] += 1
            if delivered["prompts"] == members:
                prompts_done.set()
        return store(chat_id, message)

    fake._store = record  # type: ignore[method-assign]
    sends = {"during": 0}

    def count_send(method: str, params: dict[str, Any]) -> None:
        if method.startswith(("send", "copy")) and not prompts_done.is_set():
            sends["during"] += 1

    fake.on_call.append(count_send)
    sender = asyncio.create_task(services.outbox.run_forever(app.bot))
    ideal = members / rate

    async def crisis_from(user_id: int) -> None:
        raw = fake.push_update(
            {
                "message": {
                    "message_id": 1,
                    "date": 0,
                    "text": "/crisis",
                    "chat": {"id": user_id, "type": "private", "first_name": "M"},
                    "from": {
                        "id": user_id,
                        "is_bot": False,
                        "first_name": "M",
                        "language_code": "en",
                    },
                    "entities": [{"type": "bot_command", "offset": 0, "length": 7}],
                }
            }
        )
        update = Update.de_json(raw, app.bot)
        crisis_sent_at[user_id] = time.perf_counter()
        await app.update_processor.process_update(update, app.process_update(update))

    async def crises_during_wave() -> None:
        rng = random.Random(7)
        pending = []
        for user_id in sorted(crisis_users):
            await asyncio.sleep(rng.uniform(0.5, 1.5) * ideal / crises)
            pending.append(asyncio.create_task(crisis_from(user_id)))
        await asyncio.gather(*pending)

    async def follow_real_time() -> None:  # so a row retried "in 1 s" does come due again
        while True:
            await asyncio.sleep(0.1)
            clock.advance(timedelta(seconds=0.1))

    ticking = asyncio.create_task(follow_real_time())
    started = time.perf_counter()
    await run_sweeps(services)
    crisis_task = asyncio.create_task(crises_during_wave())
    await asyncio.wait_for(prompts_done.wait(), timeout=ideal * 5 + 60)
    elapsed = time.perf_counter() - started
    await crisis_task
    sender.cancel()
    ticking.cancel()
    await asyncio.gather(sender, ticking, return_exceptions=True)
    await sandbox.stop()
    return {
        "elapsed": elapsed,
        "ideal": ideal,
        "sends": sends["during"],
        "count_429": fake.counts_429,
        "p50": percentile(crisis_latency, 0.5),
        "p99": percentile(crisis_latency, 0.99),
        "crises": len(crisis_latency),
        "violations": len(fake.violations),
        "in_flight": services.outbox.in_flight_limit,
    }


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=5000)
    parser.add_argument("--rate", type=float, default=200.0)
    parser.add_argument("--crises", type=int, default=200)
    parser.add_argument(
        "--latency",
        type=float,
        default=0.0,
        help="Telegram's round trip in seconds (e.g. 0.08, 0.15)",
    )
    parser.add_argument("--priority-only", action="store_true", help="skip the FIFO comparison")
    parser.add_argument(
        "--in-flight", type=int, help="fix the sends in flight (1 = the old sender)"
    )
    args = parser.parse_args()
    print(
        f"wave of {args.members} check-in prompts, global rate {args.rate:g}/s "
        f"(sandbox enforces {args.rate * 1.2:g}/s, 1/s per chat), {args.crises} crises, "
        f"round trip {args.latency * 1000:.0f} ms"
    )
    limiters = [("priority", PriorityRateLimiter), ("fifo", FifoRateLimiter)]
    for name, limiter in limiters[:1] if args.priority_only else limiters:
        r = await run_wave(
            args.members, args.rate, args.crises, limiter, args.latency, args.in_flight
        )
        print(
            f"[{name:8}] wave {r['elapsed']:.2f} s vs ideal {r['ideal']:.2f} s "
            f"= {r['elapsed'] / r['ideal']:.3f}x; all {r['sends']} messages sent meanwhile "
            f"(crisis replies too) vs their ideal {r['sends'] / args.rate:.2f} s "
            f"= {r['elapsed'] * args.rate / r['sends']:.3f}x · 429s received: {r['count_429']} · "
            f"crisis reply p50 {r['p50'] * 1000:.0f} ms, p99 {r['p99'] * 1000:.0f} ms "
            f"({r['crises']} crises) · violations {r['violations']} · "
            f"sends in flight at the end {r['in_flight']}"
        )


if __name__ == "__main__":
    asyncio.run(main())
