"""A pair's start: [I'm in] from each member, and the pair made active once both are in."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from bot.programme.pairing import member_in, queue_to_member, set_status
from storage import engagement, pairs
from storage.members import Member

if TYPE_CHECKING:
    from bot.services import Services


async def accept(services: Services, pair_id: int, member: Member) -> tuple[str, pairs.Pair | None]:
    """[I'm in]: 'waiting' (partner not yet), 'started' (both in), 'already' or 'stale'."""
    now = services.clock.now()
    config = services.content.matching
    async with services.db.transaction() as connection:
        pair = await pairs.get(connection, pair_id)
        role = pair.role_of(member.id) if pair else None
        if pair is None or role is None or pair.status != "introduced":
            return "stale", pair
        if pair.accepted_by(member.id):
            return "already", pair
        await pairs.record_acceptance(connection, pair, role, now)
        await engagement.record(
            connection,
            services.pseudonym_key,
            kind="accepted",
            now=now,
            telegram_id=member.telegram_id,
            role=role,
            pair_code=pair.code,
        )
        pair = await pairs.get(connection, pair_id)
        assert pair is not None
        if not (pair.mentee_accepted_at and pair.mentor_accepted_at):
            return "waiting", pair
        await pairs.activate(
            connection,
            pair.id,
            now=now,
            ends_at=now + timedelta(weeks=services.settings.program_weeks),
            fit_check_at=now + timedelta(days=config.fit_check_days),
        )
        assert pair.mentee_id is not None
        await set_status(connection, pair.mentee_id, "active", now)
        partner = await member_in(connection, pair.partner_of(member.id) or 0)
        if partner is not None:
            await queue_to_member(
                services,
                connection,
                partner,
                key=f"pair:{pair.code}:started",
                text=services.t(
                    partner.language,
                    "pair.started",
                    partner=member.display_alias,
                    weeks=services.settings.program_weeks,
                ),
                kind="pair_started",
                now=now,
            )
        pair = await pairs.get(connection, pair_id)
    services.outbox.wake()
    return "started", pair
