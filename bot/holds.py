"""Whether a due outbox row may go now: the recipient's window (quiet hours, pause,
reachability) and staleness, decided at send time. Pure: no I/O, no Telegram."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from bot.clock import from_db
from bot.schedule import next_deliverable
from storage import outbox

RECHECK = timedelta(hours=1)  # how often a row held for an open-ended reason is looked at again


def plan(due: outbox.DueItem, now: datetime) -> tuple[str, Any]:
    """What to do with a due row now: ("send", None), ("hold", until) or ("skip", reason)."""
    item, recipient = due.item, due.recipient
    expires = from_db(item.expires_at)
    if expires is not None and now >= expires:
        return "skip", "stale"
    if item.lane == "crisis" or recipient is None:
        return "send", None
    if recipient.unreachable:
        if item.broadcast_id is not None:
            return "skip", "unreachable"
        until: datetime | None = now + RECHECK
    else:
        until = next_deliverable(
            now,
            timezone=recipient.timezone,
            quiet_start=recipient.quiet_start,
            quiet_end=recipient.quiet_end,
            paused_until=recipient.paused_until,
        )
        if until is None:  # paused until they resume: look again later
            until = now + RECHECK
        if until <= now:
            return "send", None
    if expires is not None and until >= expires:
        return "skip", "stale"  # it could only arrive after it stopped making sense
    return "hold", until
