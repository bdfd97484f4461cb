"""Delivery lanes, highest priority first; pass one with `rate_limit_args={"lane": ...}`."""

from __future__ import annotations

# The lanes are the outbox table's vocabulary, so they are defined with it.
from storage.outbox import Lane as Lane


def lane_args(lane: Lane) -> dict[str, Lane]:
    """The `rate_limit_args` for a lane."""
    return {"lane": lane}
