"""A mentor passing a service's card to their mentee: queued once a day per service, counted
when it is new."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.delivery.lanes import Lane
from bot.delivery.outbox_hooks import message_payload
from storage import engagement, outbox
from storage.members import Member
from storage.pairs import Pair

if TYPE_CHECKING:
    from bot.services import Services


async def send_card(
    services: Services, mentor: Member, mentee: Member, pair: Pair, referral_id: str, text: str
) -> bool:
    """Queue the card for the mentee; False if the same card already went today."""
    now = services.clock.now()
    queued = await outbox.enqueue(
        services.db,
        key=f"referral:{pair.id}:{referral_id}:{now.date().isoformat()}",
        chat_id=mentee.telegram_id,
        member_id=mentee.id,
        lane=Lane.RELAY,
        kind="referral_card",
        payload=message_payload(text),
        not_before=now,
        now=now,
    )
    services.outbox.wake()
    if queued:
        await engagement.record(
            services.db,
            services.pseudonym_key,
            kind="referral_sent",
            now=now,
            telegram_id=mentor.telegram_id,
            role="mentor",
            pair_code=pair.code,
        )
    return bool(queued)
