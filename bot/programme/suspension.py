"""Suspending a member, lifting it, and withdrawing a mentor's approval (no Telegram objects).

Each change, its audit entry and the messages it sends commit together. A suspended member keeps
/crisis and /mydata (handlers/suspension.py); their pairs pause like an open-ended /pause, so
partners' messages wait and nothing scheduled reaches them until the suspension is lifted.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import aiosqlite

from bot.delivery.holds import ACCOUNT_NOTICE
from bot.delivery.lanes import Lane
from bot.delivery.outbox_hooks import message_payload, queue
from storage import audit, data_rights, engagement, pairs, suspensions
from storage.members import Member

if TYPE_CHECKING:
    from datetime import datetime

    from bot.services import Services


@dataclass(frozen=True)
class Actor:
    """The coordinator who acted (for the audit log)."""

    id: int
    name: str


async def suspended_ids(services: Services) -> set[int]:
    """Telegram ids of suspended members (read once, then kept up to date in memory)."""
    known = services.caches.suspended_ids
    if known is None:
        known = await suspensions.suspended_telegram_ids(services.db)
        services.caches.suspended_ids = known
    return known


async def _tell(
    connection: aiosqlite.Connection,
    services: Services,
    member: Member,
    key: str,
    text: str,
    kind: str = "notice",
) -> None:
    now = services.clock.now()
    await queue(
        services,
        key=key,
        chat_id=member.telegram_id,
        member_id=member.id,
        lane=Lane.INTERACTIVE,
        kind=kind,
        payload=message_payload(text),
        now=now,
        connection=connection,
    )


async def _partners(services: Services, member: Member) -> list[tuple[Member, str]]:
    """Current partners and the pair code they share with the member."""
    from storage import members  # local: storage.members imports nothing from here

    found = []
    for pair in await pairs.current_pairs_of(services.db, member.id):
        partner = await members.get_by_id(services.db, pair.partner_of(member.id) or 0)
        if partner is not None:
            found.append((partner, pair.code))
    return found


async def suspend(services: Services, member: Member, reason: str, actor: Actor) -> bool:
    """Suspend the member and pause their pairs; False if they already were suspended."""
    now = services.clock.now()
    partners = await _partners(services, member)
    async with services.db.transaction() as connection:
        if not await suspensions.mark_suspended(connection, member.id, reason, now):
            return False
        await _record_and_tell(
            connection, services, member, partners, actor, now, action="suspend",
            kind="suspended", detail=reason[:300],
            member_words=("suspended", "suspend.to_member"),
            partner_words=("pair_paused", "suspend.to_partner"),
        )  # fmt: skip
    (await suspended_ids(services)).add(member.telegram_id)
    services.outbox.wake()
    return True


async def unsuspend(services: Services, member: Member, actor: Actor) -> bool:
    """Lift the suspension; held messages go out at the next sweep. False if not suspended."""
    now = services.clock.now()
    partners = await _partners(services, member)
    async with services.db.transaction() as connection:
        if not await suspensions.mark_unsuspended(connection, member.id, now):
            return False
        await _record_and_tell(
            connection, services, member, partners, actor, now, action="unsuspend",
            kind="unsuspended", detail=None,
            member_words=("unsuspended", "suspend.lifted_member"),
            partner_words=("pair_resumed", "suspend.lifted_partner"),
        )  # fmt: skip
    (await suspended_ids(services)).discard(member.telegram_id)
    services.outbox.wake()
    return True


async def _record_and_tell(
    connection: aiosqlite.Connection,
    services: Services,
    member: Member,
    partners: list[tuple[Member, str]],
    actor: Actor,
    now: datetime,
    *,
    action: str,
    kind: str,
    detail: str | None,
    member_words: tuple[str, str],
    partner_words: tuple[str, str],
) -> None:
    """Audit a suspension change, count it (anonymised) and tell the member and their partners.

    ``member_words`` and ``partner_words`` are (idempotency key prefix, text key).
    """
    stamp = now.strftime("%Y%m%d%H%M%S")
    await audit.record(
        connection,
        actor_id=actor.id,
        actor_name=actor.name,
        action=action,
        now=now,
        subject=member.code,
        detail=detail,
    )
    await engagement.record(
        connection,
        services.pseudonym_key,
        kind=kind,
        now=now,
        telegram_id=member.telegram_id,
        role=member.role,
    )
    prefix, text = member_words
    message = services.t(member.language, text)
    await _tell(
        connection, services, member, f"{prefix}:{member.code}:{stamp}", message, ACCOUNT_NOTICE
    )
    prefix, text = partner_words
    for partner, pair_code in partners:
        words = services.t(partner.language, text, alias=member.display_alias)
        await _tell(connection, services, partner, f"{prefix}:{pair_code}:{stamp}", words)


async def revoke(services: Services, mentor: Member, reason: str, actor: Actor) -> list[str]:
    """Withdraw a mentor's approval: their pairs end without fault and the mentees go back to
    the waiting list. Returns the ended pair codes; raises LookupError if not approved."""
    now, t = services.clock.now(), services.t
    current = await pairs.current_pairs_of(services.db, mentor.id)
    partners = dict((code, partner) for partner, code in await _partners(services, mentor))
    ended: list[str] = []
    async with services.db.transaction() as connection:
        if not await suspensions.mark_unapproved(connection, mentor.id, now):
            raise LookupError(mentor.code)
        for pair in current:
            if not await pairs.end(
                connection,
                pair.id,
                reason="mentor approval withdrawn",
                ended_by="coordinator",
                now=now,
            ):
                continue
            ended.append(pair.code)
            mentee = partners.get(pair.code)
            if mentee is None:
                continue
            await _tell(
                connection,
                services,
                mentee,
                f"revoked:{pair.code}:{mentee.code}",
                t(mentee.language, "suspend.revoked_mentee"),
            )
            await data_rights.matchable_again(connection, mentee.id, now)
            await engagement.record(
                connection,
                services.pseudonym_key,
                kind="ended",
                now=now,
                telegram_id=mentee.telegram_id,
                role="mentee",
                pair_code=pair.code,
            )
        await audit.record(
            connection,
            actor_id=actor.id,
            actor_name=actor.name,
            action="revoke_approval",
            now=now,
            subject=mentor.code,
            detail=reason[:300],
        )
        await _tell(
            connection,
            services,
            mentor,
            f"revoked:{mentor.code}:{now:%Y%m%d%H%M%S}",
            t(mentor.language, "suspend.revoked_mentor"),
        )
    services.outbox.wake()
    return ended
