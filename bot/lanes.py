"""Delivery lanes, highest priority first; pass one with `rate_limit_args={"lane": ...}`."""

from __future__ import annotations

import enum


class Lane(enum.IntEnum):
    """Order in which waiting messages get Telegram's send capacity."""

    CRISIS = 0
    INTERACTIVE = 1
    RELAY = 2
    SCHEDULED = 3
    BROADCAST = 4


LaneArgs = dict[str, Lane]  # the rate_limit_args every request carries


def lane_args(lane: Lane) -> LaneArgs:
    """The `rate_limit_args` for a lane."""
    return {"lane": lane}
