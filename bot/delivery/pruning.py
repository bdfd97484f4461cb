"""Pruning: sent outbox rows and the relay map are deleted after KEEP (a sweep, in batches).

Why KEEP is safe: every sweep that derives an idempotency key from a date only looks back a few
weeks (quiet-pair nudges: at most about four), so a key older than KEEP can never be queued
again; a reply to a relayed message older than KEEP reaches the partner, just not threaded to
the original; the weekly digest reads the last week of the relay map. The anonymised engagement
log is never pruned: the reports are computed from all of it.
"""

from __future__ import annotations

from datetime import timedelta

from bot.delivery.sweep import SweepContext
from storage import pruning

KEEP = timedelta(days=90)
# Per sweep round (every 30 s): 10 batches of 200 rows per table, each its own short transaction,
# catch up with a year of history within hours, never holding the write lock for long.
BATCHES_PER_ROUND = 10


async def prune_old_rows(ctx: SweepContext) -> int:
    """Delete sent outbox rows and settled relay-map rows older than KEEP."""
    before = ctx.now - KEEP
    pruned = await pruning.prune_sent_outbox(ctx.services.db, before, BATCHES_PER_ROUND)
    return pruned + await pruning.prune_relay_map(ctx.services.db, before, BATCHES_PER_ROUND)
