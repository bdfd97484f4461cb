"""The crisis-protocol card for the mentor of a mentee who reached the crisis path.

Sent once per escalation (idempotency key), in the crisis lane, in the mentor's language; it
says what to do and not do and that the coordinators are on it, and never carries the mentee's
words. A concern alone sends no card: only high, imminent or "I'm not safe".
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.delivery.lanes import Lane
from bot.delivery.outbox_hooks import message_payload, queue
from storage import members, pairs
from storage.escalations import Escalation
from storage.members import Member

if TYPE_CHECKING:
    from bot.services import Services

CARD_SEVERITIES = frozenset({"high", "imminent", "urgent"})


async def send_mentor_card(
    services: Services, escalation: Escalation, member: Member | None
) -> None:
    """Tell the mentor of a mentee in crisis what to do and not do (once per escalation)."""
    if member is None or escalation.severity not in CARD_SEVERITIES:
        return
    for pair in await pairs.current_pairs_of(services.db, member.id):
        if pair.status != "active" or pair.mentee_id != member.id or pair.mentor_id is None:
            continue
        mentor = await members.get_by_id(services.db, pair.mentor_id)
        if mentor is None:
            continue
        now = services.clock.now()
        text = services.t(
            mentor.language, "mentor_crisis.card", alias=member.display_alias, pair=pair.code
        )
        await queue(
            services,
            key=f"crisis_card:{escalation.id}:{pair.id}",
            chat_id=mentor.telegram_id,
            member_id=mentor.id,
            lane=Lane.CRISIS,
            kind="crisis_card",
            payload=message_payload(text),
            now=now,
        )
