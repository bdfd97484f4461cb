"""A direct reply Telegram would not take goes to the outbox instead of being lost.

Handlers answer people directly (fast, in the interactive lane); the rate limiter already tries
a failed send again a few times. If Telegram is still failing after that (a run of timeouts or
5xx), the reply becomes an outbox row and the sender keeps trying with backoff, so it arrives
late rather than never. A timed-out attempt may in fact have arrived: then the person sees the
reply twice, which we accept (and count in `bench/chaos.py`) over a reply that never comes.
"""

from __future__ import annotations

import logging
import secrets
from datetime import timedelta
from typing import Any

from bot.delivery.holds import HANDED_OVER
from bot.delivery.lanes import Lane
from bot.delivery.outbox_hooks import QueueServices, queue

log = logging.getLogger(__name__)
# A reply still undelivered after this is skipped as stale (and counted): an answer to a button
# pressed yesterday would confuse more than help.
LIFETIME = timedelta(hours=6)


async def hand_over(
    services: QueueServices,
    *,
    chat_id: int,
    method: str,
    payload: dict[str, Any],
    origin: str,
    lane: Lane = Lane.INTERACTIVE,
) -> None:
    """Queue a reply that failed to send directly, in the lane it was sent in (a crisis reply
    stays in the crisis lane); `origin` (an update, a button press) is only for the log."""
    now = services.clock.now()
    await queue(
        services,
        # One update may hand over several replies: the key only has to be unique.
        key=f"{HANDED_OVER}:{secrets.token_hex(8)}",
        chat_id=chat_id,
        lane=lane,
        kind=HANDED_OVER,
        method=method,
        payload=payload,
        now=now,
        # A crisis reply never goes stale: late is better than never for the lines.
        expires_at=None if lane is Lane.CRISIS else now + LIFETIME,
    )
    log.warning("%s to %s handed to the outbox after Telegram failed", method, origin)
