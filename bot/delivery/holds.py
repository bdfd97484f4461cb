"""Whether a due outbox row may go now: the recipient's window (quiet hours, pause,
reachability) and staleness, decided at send time. Pure: no I/O, no Telegram."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from bot.core.clock import from_db
from bot.core.schedule import next_deliverable
from storage import outbox

RECHECK = timedelta(hours=1)  # how often a row held for an open-ended reason is looked at again
RELAY_ACK = "relay_ack"  # "delivered", right after the member sent something to their partner
HANDED_OVER = "reply"  # a direct reply Telegram would not take at once (bot/delivery/handover.py)
# Rows that answer what the recipient has just done: they are awake and waiting for it, so quiet
# hours and a pause (which keep unasked-for messages away) do not hold them back.
ANSWER_KINDS = frozenset({RELAY_ACK, HANDED_OVER})
# About the member's own place in the programme (suspended, lifted): a pause set by that very
# change must not hold the message explaining it; quiet hours still apply.
ACCOUNT_NOTICE = "account_notice"
# Not held by a suspension's pause (a coordinator's decision, not the member's): the check after
# a crisis is crisis help. A member's own /pause still holds it; quiet hours always apply.
SUSPENSION_EXEMPT = frozenset({"aftercare"})


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
        until = now + RECHECK
    elif item.kind in ANSWER_KINDS:
        return "send", None
    else:
        deliverable = next_deliverable(
            now,
            timezone=recipient.timezone,
            quiet_start=recipient.quiet_start,
            quiet_end=recipient.quiet_end,
            paused_until=None
            if item.kind == ACCOUNT_NOTICE
            or (recipient.suspended and item.kind in SUSPENSION_EXEMPT)
            else recipient.paused_until,
        )
        # None: paused until they resume, so look again later
        until = now + RECHECK if deliverable is None else deliverable
        if until <= now:
            return "send", None
    if expires is not None and until >= expires:
        return "skip", "stale"  # it could only arrive after it stopped making sense
    return "hold", until
