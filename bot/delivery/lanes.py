"""Delivery lanes, highest priority first; pass one with `rate_limit_args={"lane": ...}`."""

from __future__ import annotations

# The lanes are the outbox table's vocabulary, so they are defined with it.
from storage.outbox import Lane as Lane

LaneArgs = dict[str, Lane]  # the rate_limit_args every request carries


def lane_args(lane: Lane) -> LaneArgs:
    """The `rate_limit_args` for a lane."""
    return {"lane": lane}
