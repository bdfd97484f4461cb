"""Declining an introduction: "not for me", with an optional reason, and nobody at fault.

The pair closes before it starts (no closing words, no exit survey); the mentee goes back on
the waiting list, the mentor's place is free again, the partner hears kindly that this match
will not go ahead, and the coordinators are told in words. The reason goes to the coordinators
only, never to the partner.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.delivery.notify import notify_coordinators
from bot.programme.pairing import member_in, queue_to_member, set_status
from storage import engagement, pairs
from storage.members import Member

if TYPE_CHECKING:
    from bot.services import Services

REASONS = ("time", "fit", "other", "none")


async def decline(services: Services, pair_id: int, member: Member, reason: str) -> str:
    """Close an introduced pair at `member`'s word: 'declined', or 'stale' if it is not open."""
    now, t = services.clock.now(), services.t
    coordinators = services.settings.default_language
    async with services.db.transaction() as connection:
        pair = await pairs.get(connection, pair_id)
        role = pair.role_of(member.id) if pair else None
        if pair is None or role is None or pair.status != "introduced" or reason not in REASONS:
            return "stale"
        label = t(coordinators, f"pair.decline_reason_{reason}")
        # ended_by 'rematch' is the no-fault ending: the same pair is never proposed again.
        if not await pairs.end(
            connection,
            pair.id,
            reason=f"introduction declined by the {role}: {label}",
            ended_by="rematch",
            now=now,
        ):
            return "stale"
        mentee = await member_in(connection, pair.mentee_id or 0)
        if mentee is not None:
            await set_status(connection, mentee.id, "waiting", now)
        partner = await member_in(connection, pair.partner_of(member.id) or 0)
        if partner is not None:
            partner_role = pair.role_of(partner.id) or "mentee"
            await queue_to_member(
                services,
                connection,
                partner,
                key=f"pair:{pair.code}:declined",
                text=t(
                    partner.language,
                    f"pair.declined_partner_{partner_role}",
                    partner=member.display_alias,
                ),
                kind="pair_declined",
                now=now,
            )
        for person in (member, partner):
            if person is not None:
                await engagement.record(
                    connection,
                    services.pseudonym_key,
                    kind="ended",
                    now=now,
                    telegram_id=person.telegram_id,
                    role=pair.role_of(person.id),
                    pair_code=pair.code,
                )
        await notify_coordinators(
            services,
            key=f"pair:{pair.code}:declined:coordinators",
            kind="pair_declined",
            text=t(
                coordinators,
                "matching.declined",
                pair=pair.code,
                role=t(coordinators, f"matching.role_{role}"),
                reason=label,
                mentee=mentee.code if mentee else "-",
            ),
            connection=connection,
        )
    services.outbox.wake()
    return "declined"
