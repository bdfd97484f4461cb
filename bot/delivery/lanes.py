"""Delivery lanes, highest priority first; pass one with `rate_limit_args={"lane": ...}`."""

from __future__ import annotations

# The lanes are the outbox table's vocabulary, so they are defined with it.
from storage.outbox import Lane as Lane
from storage.outbox_sending import LOW_LANES as _LOW_LANE_NAMES

# Scheduled and broadcast: what may wait for everything else (the outbox's own list, as Lanes).
LOW_LANES = frozenset(Lane[name.upper()] for name in _LOW_LANE_NAMES)

LaneArgs = dict[str, Lane]  # the rate_limit_args every request carries


def lane_args(lane: Lane) -> LaneArgs:
    """The `rate_limit_args` for a lane."""
    return {"lane": lane}
