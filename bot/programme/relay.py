"""The relay between partners, Telegram-free: when a copy may go out, queueing it, partner state.

Messages are copied by the bot (copyMessage + protect_content), so the outbox row holds only
chat and message ids, never the content; the relay map holds ids and times.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from bot.core.clock import from_db
from bot.core.schedule import INDEFINITE, next_deliverable
from bot.delivery.holds import RELAY_ACK
from bot.delivery.lanes import Lane
from bot.delivery.notify import notify_coordinators
from bot.delivery.outbox_hooks import message_payload, queue
from bot.programme.signals import is_night
from storage import engagement, members, pairs, reachouts, relay
from storage.members import Member
from storage.outbox import DueItem
from storage.pairs import Pair

if TYPE_CHECKING:
    from bot.services import Services

RELAY_KIND = "relay"
HEADER_KIND = "relay_header"
HEADER_GAP = timedelta(minutes=30)  # a run of messages from one partner shares one "From" line
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
    await _attribute(services, pair, sender, recipient, message_id, deliver_at)
    payload: dict[str, Any] = {
        "from_chat_id": sender.telegram_id,
        "message_id": message_id,
        "protect_content": True,
    }
    if reply_to is not None:
        payload["reply_parameters"] = {"message_id": reply_to, "allow_sending_without_reply": True}
    await queue(
        services,
        # Member ids, never Telegram ids: a key outlives /forget of either of them.
        key=f"relay:{sender.id}:{message_id}:{recipient.id}",
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
    if sender.id == pair.mentor_id and await reachouts.complete_reachouts(
        services.db, pair.id, now
    ):
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


async def _attribute(
    services: Services,
    pair: Pair,
    sender: Member,
    recipient: Member,
    message_id: int,
    deliver_at: datetime,
) -> None:
    """A recipient with several partners sees who wrote: a "From <alias>" line (only the alias,
    never a Telegram identity) before the copy, queued first so the chat's order keeps it first.
    A run of messages from the same partner within HEADER_GAP shares one line."""
    if len(relay_pairs(await pairs.current_pairs_of(services.db, recipient.id))) < 2:
        return
    previous = await relay.previous_to(
        services.db, recipient.telegram_id, sender.telegram_id, message_id
    )
    if previous is not None and previous[0] == pair.id and deliver_at - previous[1] < HEADER_GAP:
        return
    await queue(
        services,
        key=f"relay_from:{sender.id}:{message_id}:{recipient.id}",
        chat_id=recipient.telegram_id,
        member_id=recipient.id,
        lane=Lane.RELAY,
        kind=HEADER_KIND,
        payload=message_payload(
            services.t(recipient.language, "relay.from_partner", alias=sender.display_alias)
        ),
        not_before=deliver_at,
        now=services.clock.now(),
    )


async def tell_sender(
    services: Services,
    sender: Member,
    key: str,
    text: str,
    reply_to: int | None = None,
    kind: str = "relay_notice",
) -> None:
    """A short note to the sender about their message (acknowledgement, problem)."""
    now = services.clock.now()
    extra: dict[str, Any] = (
        {"reply_parameters": {"message_id": reply_to, "allow_sending_without_reply": True}}
        if reply_to is not None
        else {}
    )
    await queue(
        services,
        key=key,
        chat_id=sender.telegram_id,
        member_id=sender.id,
        lane=Lane.INTERACTIVE,
        kind=kind,
        payload=message_payload(text, **extra),
        now=now,
    )


async def notify_unreachable(services: Services, pair: Pair) -> None:
    """Coordinators: a partner can't be reached (blocked the bot); once a day per pair."""
    day = services.clock.now().strftime("%Y-%m-%d")
    await notify_coordinators(
        services,
        key=f"relay_unreachable:{pair.code}:{day}",
        kind="relay_problem",
        text=services.t(
            services.settings.default_language, "relay.coord_unreachable", pair=pair.code
        ),
    )


async def copy_sent(services: Services, due: DueItem, result: Any) -> None:
    """After a copy went out: record its id (for replies); acknowledge an immediate delivery."""
    item = due.item
    from_chat, from_msg = int(item.payload["from_chat_id"]), int(item.payload["message_id"])
    now = services.clock.now()
    await relay.mark_delivered(
        services.db, from_chat, from_msg, item.chat_id, int(result.message_id), now
    )
    row = await relay.by_original(services.db, from_chat, from_msg)
    # No late "delivered" after a hold, and one per album (the handler marks the rest).
    quiet = services.relay.quiet_acks
    if row is None or row.into_quiet or (from_chat, from_msg) in quiet:
        quiet.discard((from_chat, from_msg))
        return
    sender = await members.get_by_telegram_id(services.db, from_chat)
    if sender is not None:
        await tell_sender(
            services,
            sender,
            f"relay_ack:{sender.id}:{from_msg}",
            services.t(sender.language, "relay.delivered"),
            reply_to=from_msg,
            kind=RELAY_ACK,
        )


async def tell_failures(services: Services) -> int:
    """Copies that can never go out (partner blocked the bot, message deleted): tell the sender
    kindly, and coordinators about a block unless they already know. Returns how many."""
    told = 0
    for failure in await relay.undelivered_failures(services.db):
        sender = await members.get_by_telegram_id(services.db, failure.from_chat)
        pair = await pairs.get(services.db, failure.pair_id)
        if sender is not None and pair is not None:
            key = f"relay_failed:{sender.id}:{failure.from_msg}"
            if failure.error == "forbidden":
                await tell_sender(
                    services, sender, key, services.t(sender.language, "relay.partner_unreachable")
                )
                partner = await members.get_by_id(services.db, pair.partner_of(sender.id) or 0)
                # The outbox sender may already have told coordinators this member is unreachable.
                if partner is None or not await relay.outbox_key_prefix_exists(
                    services.db, f"unreachable:{partner.code}:"
                ):
                    await notify_unreachable(services, pair)
            else:
                await tell_sender(
                    services,
                    sender,
                    key,
                    services.t(sender.language, "relay.not_copied"),
                    reply_to=failure.from_msg,
                )
            told += 1
        await relay.mark_failure_told(services.db, failure.id, services.clock.now())
    return told


async def reached_out(services: Services, mentor: Member, pair: Pair) -> bool:
    """The mentor says they reached out: close the mentee's open requests for contact (and
    count it, anonymised); False if none was open."""
    now = services.clock.now()
    closed = await reachouts.complete_reachouts(services.db, pair.id, now)
    if closed:
        await engagement.record(
            services.db,
            services.pseudonym_key,
            kind="reachout_done",
            now=now,
            telegram_id=mentor.telegram_id,
            role="mentor",
            pair_code=pair.code,
        )
    return bool(closed)
