"""Peer-mentoring companion bot: the composition root; the domain lives in the sub-packages."""

import os

__version__ = "0.1.0"

# Opt in to PTB's future behaviour (durations as timedelta) now, so upgrades change nothing and
# no deprecation warning fires when a 429's retry_after is read.
os.environ.setdefault("PTB_TIMEDELTA", "1")
