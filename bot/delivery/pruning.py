"""Pruning: sent outbox rows and the relay map are deleted after KEEP (a sweep, in batches).

Why KEEP is safe: every sweep that derives an idempotency key from a date only looks back a few
weeks (quiet-pair nudges: at most about four), so a key older than KEEP can never be queued
again; a reply to a relayed message older than KEEP reaches the partner, just not threaded to
the original; the weekly digest reads the last week of the relay map. The anonymised engagement
log is never pruned: the reports are computed from all of it.
"""

from __future__ import annotations

import time
from datetime import timedelta

from bot.delivery.sweep import SweepContext
from storage import pruning

KEEP = timedelta(days=90)
# A round (every 30 s) deletes batches of 200 rows, each its own short transaction, the tables
# taking turns, until both are caught up, BATCHES_PER_ROUND turns are done or ROUND_BUDGET
# seconds have passed. The budget is checked after each turn (a batch from each table, ~45 ms
# on a year's database), so the sweep stays under 100 ms even while a year of history is
# cleared after an upgrade; that first catch-up takes most of a day, which nothing waits for.
BATCHES_PER_ROUND = 10
ROUND_BUDGET = 0.04


async def prune_old_rows(ctx: SweepContext) -> int:
    """Delete sent outbox rows and settled relay-map rows older than KEEP."""
    before = ctx.now - KEEP
    deadline = time.monotonic() + ROUND_BUDGET
    behind = [pruning.prune_sent_outbox, pruning.prune_relay_map]
    pruned = 0
    for _ in range(BATCHES_PER_ROUND):
        for prune in list(behind):
            count = await prune(ctx.services.db, before, batches=1)
            pruned += count
            if count < pruning.BATCH:  # caught up
                behind.remove(prune)
        if not behind or time.monotonic() >= deadline:
            break
    return pruned
