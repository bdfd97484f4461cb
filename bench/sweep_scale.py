"""Benchmark 4: the check-in sweep over 100,000 members with 10,000 due.

Prints the sweep's time (target < 300 ms) and the process's peak memory (target < 200 MB),
then the time of a second sweep with nothing due.

    python bench/sweep_scale.py [--members 100000] [--due 10000]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._seed import seed_mentees
from bot.content import ContentStore, load_content
from bot.core.clock import FakeClock
from bot.delivery.sweep import SweepContext
from bot.programme.reminders import checkin_prompts
from bot.sandbox.harness import sandbox_settings
from bot.services import Services
from bot.settings import load_or_create_key
from storage.db import Database

NOON = datetime(2026, 3, 4, 12, tzinfo=UTC)


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--due", type=int, default=10_000)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-sweep-"))
    settings = sandbox_settings(folder)
    db = await Database.open(settings.database_path)
    await db.close()
    seed_mentees(
        settings.database_path,
        args.members,
        due_at=NOON,
        due=args.due,
        later=NOON + timedelta(days=3),
    )
    db = await Database.open(settings.database_path)
    services = Services(
        settings=settings,
        db=db,
        clock=FakeClock(NOON),
        content_store=ContentStore(load_content()),
        pseudonym_key=load_or_create_key(settings.pseudonym_key_file),
    )
    started, cpu = time.perf_counter(), time.process_time()
    queued = await checkin_prompts(SweepContext(services, NOON))
    first, first_cpu = time.perf_counter() - started, time.process_time() - cpu
    started = time.perf_counter()
    again = await checkin_prompts(SweepContext(services, NOON))
    second = time.perf_counter() - started
    rows = await db.fetch_value("SELECT COUNT(*) FROM outbox WHERE kind = 'checkin_prompt'")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    await db.close()
    print(
        f"sweep over {args.members:,} members with {args.due:,} due: {first * 1000:.0f} ms "
        f"(target < 300 ms; CPU time {first_cpu * 1000:.0f} ms, all threads), {queued:,} prompts "
        f"queued, {rows:,} outbox rows; load average {os.getloadavg()[0]:.1f} on "
        f"{os.cpu_count()} cores"
    )
    print(f"second sweep (nothing due): {second * 1000:.1f} ms, {again} queued")
    print(f"process peak memory (max RSS): {peak_mb:.0f} MB (target < 200 MB)")


if __name__ == "__main__":
    asyncio.run(main())
