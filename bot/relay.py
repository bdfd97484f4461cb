"""The relay between partners, Telegram-free: when a copy may go out, queueing it, partner state.

Messages are copied by the bot (copyMessage + protect_content), so the outbox row holds only
chat and message ids, never the content; the relay map holds ids and times.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from bot.clock import from_db
from bot.lanes import Lane
from bot.schedule import INDEFINITE, next_deliverable
from bot.signals import is_night
from storage import checkins, engagement, outbox, relay
from storage.members import Member
from storage.pairs import Pair

if TYPE_CHECKING:
    from bot.services import Services

RELAY_KIND = "relay"
HOLD = from_db(INDEFINITE)  # not_before of a message waiting for the end of an open-ended pause
RELAY_STATUSES = ("active", "introduced")


def deliver_time(member: Member, now: datetime) -> datetime:
    """When a non-urgent message may reach `member` (HOLD while paused until they resume)."""
    moment = next_deliverable(
        now,
        timezone=member.timezone,
        quiet_start=member.quiet_start,
        quiet_end=member.quiet_end,
        paused_until=member.paused_until,
    )
    assert HOLD is not None
    return HOLD if moment is None else moment


def relay_pairs(pairs: list[Pair]) -> list[Pair]:
    """Pairs whose members may message each other."""
    return [pair for pair in pairs if pair.status in RELAY_STATUSES]


@dataclass(frozen=True)
class Queued:
    """The outcome of queueing a copy."""

    deliver_at: datetime
    held: bool
    new: bool


async def queue_copy(
    services: Services,
    *,
    pair: Pair,
    sender: Member,
    recipient: Member,
    message_id: int,
    reply_to: int | None,
) -> Queued:
    """Queue a protected copy of the sender's message for the partner, and map it."""
    now = services.clock.now()
    deliver_at = deliver_time(recipient, now)
    held = deliver_at > now
    thresholds = services.content.relay.signals
    new = await relay.record(
        services.db,
        pair_id=pair.id,
        from_member_id=sender.id,
        to_member_id=recipient.id,
        from_chat=sender.telegram_id,
        from_msg=message_id,
        to_chat=recipient.telegram_id,
        now=now,
        deliver_at=deliver_at,
        into_quiet=held,
        sender_night=is_night(now, sender.timezone, thresholds),
    )
    if not new:
        return Queued(deliver_at, held, False)
    payload: dict[str, Any] = {
        "from_chat_id": sender.telegram_id,
        "message_id": message_id,
        "protect_content": True,
    }
    if reply_to is not None:
        payload["reply_parameters"] = {"message_id": reply_to, "allow_sending_without_reply": True}
    await outbox.enqueue(
        services.db,
        key=f"relay:{sender.telegram_id}:{message_id}:{recipient.telegram_id}",
        chat_id=recipient.telegram_id,
        member_id=recipient.id,
        lane=Lane.RELAY,
        kind=RELAY_KIND,
        method="copyMessage",
        payload=payload,
        not_before=deliver_at,
        now=now,
    )
    await engagement.record(
        services.db,
        services.pseudonym_key,
        kind="message_relayed",
        now=now,
        telegram_id=sender.telegram_id,
        role=sender.role,
        pair_code=pair.code,
    )
    if sender.id == pair.mentor_id and await checkins.complete_reachouts(services.db, pair.id, now):
        await engagement.record(
            services.db,
            services.pseudonym_key,
            kind="reachout_done",
            now=now,
            telegram_id=sender.telegram_id,
            role="mentor",
            pair_code=pair.code,
        )
    services.outbox.wake()
    return Queued(deliver_at, held, True)
