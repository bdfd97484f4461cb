"""Peer-mentoring companion bot: composition root and pure domain logic."""

import os

__version__ = "0.1.0"

# Opt in to PTB's future behaviour (durations as timedelta) now, so upgrades change nothing and
# no deprecation warning fires when a 429's retry_after is read.
os.environ.setdefault("PTB_TIMEDELTA", "1")
