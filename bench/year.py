"""A year of a programme: coordinator commands, sweeps and crisis replies on a full database.

    python bench/year.py [--pairs 5000] [--latency 0.08] [--repeat 3] [--keep DIR]

Seeds `--pairs` pairs (two members each) and a year of their history (bench/year_seed.py), then
runs the real application in the sandbox and prints, for each coordinator command and each
sweep: wall time, CPU time (the whole process, threads included) and the longest event-loop
stall seen by a loop-lag monitor (a task that wakes every 2 ms and records how late it was).
Then the crisis reply latency (a member's /crisis until the bot's answer is sent) when idle and
while /dashboard and /export run, with the fake Telegram answering after `--latency` seconds.
Medians of `--repeat` runs. Prints the database size. A quick run: --pairs 500.

The chart worker is started and warmed up before the first command, as the running bot does a
few seconds after start-up (`--cold-chart`: not, as on a first /dashboard right after start);
/dashboard's first run draws the chart, the repeats (same figures) reuse it: every run is printed.
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.year_seed import FIRST_ID, seed_year
from bot.console import chart_worker
from bot.console.dashboard import build_dashboard, build_export
from bot.delivery.sweep import SweepContext, registered
from bot.sandbox.harness import Sandbox, sandbox_settings
from bot.settings import load_or_create_key
from storage.db import Database

TICK = 0.002


class LoopLag:
    """The longest time the event loop was busy past a 2 ms timer."""

    def __init__(self) -> None:
        self.worst = 0.0
        self._task: asyncio.Task[None] | None = None

    async def _watch(self) -> None:
        while True:
            started = time.perf_counter()
            await asyncio.sleep(TICK)
            self.worst = max(self.worst, time.perf_counter() - started - TICK)

    def start(self) -> None:
        self._task = asyncio.create_task(self._watch())

    def reset(self) -> None:
        self.worst = 0.0

    async def stop(self) -> None:
        assert self._task is not None
        self._task.cancel()
        await asyncio.gather(self._task, return_exceptions=True)


async def measure(
    lag: LoopLag, action: Callable[[], Awaitable[object]]
) -> tuple[float, float, float]:
    """(wall s, CPU s, longest stall s) of one action."""
    await asyncio.sleep(0.01)
    lag.reset()
    wall, cpu = time.perf_counter(), time.process_time()
    await action()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    await asyncio.sleep(0.01)
    return wall, cpu, lag.worst


def median_row(name: str, runs: list[tuple[float, float, float]]) -> str:
    wall, cpu, stall = (statistics.median(column) for column in zip(*runs, strict=True))
    return f"{name:<28} wall {wall * 1000:8.1f} ms  cpu {cpu * 1000:8.1f} ms  stall {stall * 1000:7.1f} ms"


async def crisis_during(box: Sandbox, command: str | None, lag: LoopLag) -> float:
    """Seconds from a member's /crisis to the bot's reply reaching Telegram, sent 50 ms after
    `command` starts. Timed to the reply itself: the sandbox's `send` also flushes the outbox
    (after the sweeps above, the messages they queued), which is not the crisis reply."""
    member = box.user("Mia", user_id=FIRST_ID)  # a seeded mentee
    coordinator = box.group.coordinator("Cleo")
    running = asyncio.create_task(coordinator.send(command)) if command else None
    await asyncio.sleep(0.05)
    replied: list[float] = []

    def reply_arrived(method: str, params: dict[str, object]) -> None:
        if not replied and method.startswith("send") and params.get("chat_id") == FIRST_ID:
            replied.append(time.perf_counter())

    box.fake.on_call.append(reply_arrived)
    try:
        started = time.perf_counter()
        replies = await member.send("/crisis")
    finally:
        box.fake.on_call.remove(reply_arrived)
    assert replies and replied, "no crisis reply"
    if running is not None:
        await running
    return replied[0] - started


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pairs", type=int, default=5000)
    parser.add_argument("--latency", type=float, default=0.0, help="fake round trip, seconds")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="reuse (or create) the seeded folder here")
    parser.add_argument(
        "--cold-chart", action="store_true", help="no chart worker before /dashboard"
    )
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="bench-year-"))
    folder.mkdir(parents=True, exist_ok=True)
    settings = sandbox_settings(folder)
    box = Sandbox(settings)
    if not settings.database_path.exists():
        seeded = time.perf_counter()
        db = await Database.open(settings.database_path)
        await seed_year(
            db, load_or_create_key(settings.pseudonym_key_file), args.pairs, box.clock.now()
        )
        await db.close()
        print(f"seeded {args.pairs} pairs in {time.perf_counter() - seeded:.0f} s")
    else:  # a reused database: the fake Telegram numbers its updates from 1 again
        connection = sqlite3.connect(settings.database_path)
        with connection:
            connection.execute("DELETE FROM processed_updates")
        connection.close()
    await box.start()
    box.fake.faults.latency = args.latency
    db = box.db
    for table in ("members", "pairs", "engagement", "checkins", "relay_messages", "outbox"):
        print(f"{table:<16} {await db.fetch_value(f'SELECT COUNT(*) FROM {table}'):>9,} rows")
    size = sum(path.stat().st_size for path in folder.glob("companion.sqlite3*"))
    print(f"database size {size / 2**20:.0f} MiB; fake round trip {args.latency * 1000:.0f} ms")
    worker = None if args.cold_chart else chart_worker.start_worker()
    if worker is not None:  # what the bot's warm-up does after start-up
        await asyncio.wrap_future(worker.submit(int))
    lag = LoopLag()
    lag.start()
    coordinator = box.group.coordinator("Cleo")
    code = await db.fetch_value("SELECT code FROM members WHERE telegram_id = ?", (FIRST_ID,))
    commands = [
        "/dashboard",
        "/export",
        "/digest",
        "/audit",
        f"/member {code}",
        "/pending",
        "/escalations",
        "/pairs",
    ]
    print("\ncoordinator commands (median of", args.repeat, "runs)")
    for command in commands:
        runs = [
            await measure(lag, lambda c=command: coordinator.send(c)) for _ in range(args.repeat)
        ]
        print(median_row(command, runs))
        if command == "/dashboard":
            print(f"  each run: {', '.join(f'{wall * 1000:.0f}' for wall, _, _ in runs)} ms wall")
    assert box.services is not None
    services = box.services
    # The same work without the upload: in the sandbox the fake Telegram parses the upload on
    # the bot's own event loop, which a real Bot API server does not.
    print(
        median_row(
            "  dashboard, no upload",
            [await measure(lag, lambda: build_dashboard(services)) for _ in range(args.repeat)],
        )
    )
    print(
        median_row(
            "  export, no upload",
            [await measure(lag, lambda: build_export(services)) for _ in range(args.repeat)],
        )
    )
    member = box.user("Mia", user_id=FIRST_ID)
    print(
        median_row(
            "/mydata (a member)",
            [await measure(lag, lambda: member.send("/mydata")) for _ in range(args.repeat)],
        )
    )
    print("\nsweeps (each alone, median of", args.repeat, "rounds)")
    for name, function in registered().items():
        runs = []
        for _ in range(args.repeat):
            box.clock.advance(timedelta(seconds=30))
            context = SweepContext(services, box.clock.now())
            runs.append(await measure(lag, lambda f=function, c=context: f(c)))
        print(median_row(name, runs))
    print("\ncrisis reply latency (median of", args.repeat, "runs)")
    for label, command in (
        ("idle", None),
        ("during /dashboard", "/dashboard"),
        ("during /export", "/export"),
    ):
        times = [await crisis_during(box, command, lag) for _ in range(args.repeat)]
        print(
            f"{label:<28} {statistics.median(times) * 1000:8.1f} ms "
            f"(max {max(times) * 1000:.1f} ms)"
        )
    await lag.stop()
    await box.stop()


if __name__ == "__main__":
    asyncio.run(main())
