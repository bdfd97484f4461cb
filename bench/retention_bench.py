"""Benchmark: the retention sweep's queries on a large programme.

20,000 members (a third in current pairs, a third long inactive, the rest recently seen) in a
real SQLite file; prints the median time of the two look-ups the sweep makes every 30 s (who
is due a notice, who is due erasure), over 15 runs each. Run: python bench/retention_bench.py
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.core.clock import to_db
from bot.programme.retention import BATCH, NOTICE, months_before
from storage import retention
from storage.db import Database

MEMBERS = 20_000


async def main() -> None:
    """Seed, then time each query."""
    now = datetime(2027, 6, 1, 9, tzinfo=UTC)
    with tempfile.TemporaryDirectory() as folder:
        db = await Database.open(Path(folder) / "bench.sqlite3")
        old, recent = to_db(now - timedelta(days=500)), to_db(now - timedelta(days=3))
        async with db.transaction() as connection:
            for index in range(MEMBERS):
                seen = old if index % 3 == 1 else recent
                await connection.execute(
                    "INSERT INTO members (telegram_id, code, role, consented_at, created_at, "
                    "updated_at, last_seen_at) VALUES (?, ?, 'mentee', ?, ?, ?, ?)",
                    (10_000 + index, f"M{index:06d}", old, old, old, seen),
                )
            for index in range(0, MEMBERS - 1, 6):  # a third of everyone in a current pair
                await connection.execute(
                    "INSERT INTO pairs (code, mentee_id, mentor_id, status, created_at) "
                    "VALUES (?, ?, ?, 'active', ?)",
                    (f"P{index:06d}", index + 1, index + 2, old),
                )
        cutoff = months_before(now, 12)
        timings: dict[str, list[float]] = {"notice": [], "erasure": []}
        for _ in range(15):
            start = time.perf_counter()
            due = await retention.due_for_notice(db, cutoff + NOTICE, BATCH)
            timings["notice"].append(time.perf_counter() - start)
            start = time.perf_counter()
            await retention.due_for_erasure(db, cutoff, now - NOTICE, BATCH)
            timings["erasure"].append(time.perf_counter() - start)
        await db.close()
    print(f"{MEMBERS} members, batch {BATCH}: {len(due)} due a notice in the first batch")
    for name, values in timings.items():
        print(
            f"  due for {name}: median {statistics.median(values) * 1000:.1f} ms "
            f"(min {min(values) * 1000:.1f}, max {max(values) * 1000:.1f})"
        )


if __name__ == "__main__":
    asyncio.run(main())
