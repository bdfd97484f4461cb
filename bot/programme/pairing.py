"""Making pairs: approval, manual pairing, and the helpers a pair's transactions share.

Every pair is created inside ONE transaction that re-checks both members (so two coordinators
approving at once, or a suggestion gone stale, can never make a second pair) and queues the
introductions in the same transaction, so a pair never exists without its introductions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

import aiosqlite

from bot.core.clock import from_db, to_db
from bot.delivery.lanes import Lane
from bot.delivery.outbox_hooks import message_payload, queue
from bot.programme.introductions import introduce
from bot.programme.proposals import mentor_profile
from storage import audit, engagement, pairs, suggestions
from storage.members import MEMBER_COLUMNS, Member, member_from_row

if TYPE_CHECKING:
    from bot.services import Services


@dataclass(frozen=True)
class Actor:
    """The coordinator who acted (for the audit log and 'approved by')."""

    id: int
    name: str


async def member_in(connection: aiosqlite.Connection, member_id: int) -> Member | None:
    """A member read inside the caller's transaction."""
    async with connection.execute(
        f"SELECT {MEMBER_COLUMNS} FROM members WHERE id = ?", (member_id,)
    ) as cursor:
        row = await cursor.fetchone()
    return member_from_row(row) if row else None


async def pair_problem(
    connection: aiosqlite.Connection,
    mentee_id: int,
    mentor_id: int,
    now: datetime,
    *,
    strict: bool,
) -> str | None:
    """Why these two cannot be paired right now (a locale key suffix), or None.

    Always: both exist with the right roles, the mentee has no pair, the mentor has room.
    `strict` (approving a suggestion) also requires the mentee still waiting, the mentor still
    available, and that they were never paired before.
    """
    mentee, mentor = await member_in(connection, mentee_id), await member_in(connection, mentor_id)
    if mentee is None or mentor is None:
        return "gone"
    if mentee.role != "mentee":
        return "not_mentee"
    if mentor.role != "mentor":
        return "not_mentor"
    if await pairs.current_pairs_of(connection, mentee.id):
        return "mentee_paired"
    if len(await pairs.current_pairs_of(connection, mentor.id)) >= mentor.capacity:
        return "mentor_full"
    if strict:
        if mentee.status != "waiting" or mentee.unreachable:
            return "mentee_not_waiting"
        profile = mentor_profile(mentor, 0, now)
        if (
            not profile.approved
            or not profile.trained
            or profile.stepped_back
            or (profile.paused or profile.unreachable)
        ):
            return "mentor_unavailable"
        if await pairs.ever_paired(connection, mentee.id, mentor.id):
            return "paired_before"
    return None


@dataclass(frozen=True)
class PairOutcome:
    """What an attempt to pair produced: a pair, or the reason it was refused."""

    pair: pairs.Pair | None = None
    problem: str | None = None
    decided_by: str | None = None  # for a suggestion someone else already approved


async def approve_suggestion(services: Services, suggestion_id: int, actor: Actor) -> PairOutcome:
    """Approve a suggestion: re-check and create the pair in one transaction (exactly once)."""
    now = services.clock.now()
    async with services.db.transaction() as connection:
        suggestion = await suggestions.get(connection, suggestion_id)
        if suggestion is None:
            return PairOutcome(problem="gone")
        if suggestion.status == "approved":
            return PairOutcome(problem="already_approved", decided_by=suggestion.decided_by_name)
        if suggestion.status == "skipped":
            return PairOutcome(problem="suggestion_skipped")
        if suggestion.status != "open":  # stale: say why, if the reason is still visible
            why = await pair_problem(
                connection, suggestion.mentee_id, suggestion.mentor_id, now, strict=True
            )
            return PairOutcome(problem=why or "suggestion_stale")
        problem = await pair_problem(
            connection, suggestion.mentee_id, suggestion.mentor_id, now, strict=True
        )
        if problem is not None:
            await suggestions.decide(
                connection,
                suggestion.id,
                status="stale",
                actor_id=actor.id,
                actor_name=actor.name,
                now=now,
            )
            return PairOutcome(problem=problem)
        pair = await _create(
            services,
            connection,
            suggestion.mentee_id,
            suggestion.mentor_id,
            actor,
            now,
            action="approve",
        )
        await suggestions.decide(
            connection,
            suggestion.id,
            status="approved",
            actor_id=actor.id,
            actor_name=actor.name,
            now=now,
            pair_id=pair.id,
        )
        await suggestions.close_open_for_mentee(connection, suggestion.mentee_id, now)
    services.outbox.wake()
    return PairOutcome(pair=pair)


async def skip_suggestion(services: Services, suggestion_id: int, actor: Actor) -> bool:
    """Skip a suggestion (that pair is not proposed again); False if it was no longer open."""
    now = services.clock.now()
    async with services.db.transaction() as connection:
        suggestion = await suggestions.get(connection, suggestion_id)
        if suggestion is None or not await suggestions.decide(
            connection,
            suggestion_id,
            status="skipped",
            actor_id=actor.id,
            actor_name=actor.name,
            now=now,
        ):
            return False
        await audit.record(
            connection,
            actor_id=actor.id,
            actor_name=actor.name,
            action="skip_suggestion",
            now=now,
            subject=str(suggestion_id),
        )
    return True


async def pair_by_hand(
    services: Services, mentee_id: int, mentor_id: int, actor: Actor, *, forced: bool
) -> PairOutcome:
    """/pair: create the pair if both are free (hard-constraint warnings were handled before)."""
    now = services.clock.now()
    async with services.db.transaction() as connection:
        problem = await pair_problem(connection, mentee_id, mentor_id, now, strict=False)
        if problem is not None:
            return PairOutcome(problem=problem)
        pair = await _create(
            services,
            connection,
            mentee_id,
            mentor_id,
            actor,
            now,
            action="pair_forced" if forced else "pair",
        )
        await suggestions.close_open_for_mentee(connection, mentee_id, now)
    services.outbox.wake()
    return PairOutcome(pair=pair)


async def _create(
    services: Services,
    connection: aiosqlite.Connection,
    mentee_id: int,
    mentor_id: int,
    actor: Actor,
    now: datetime,
    *,
    action: str,
) -> pairs.Pair:
    """Insert the pair, log it, and queue the introductions."""
    pair = await pairs.insert(
        connection, mentee_id=mentee_id, mentor_id=mentor_id, approved_by=actor.id, now=now
    )
    mentee, mentor = await member_in(connection, mentee_id), await member_in(connection, mentor_id)
    assert mentee is not None and mentor is not None
    await audit.record(
        connection,
        actor_id=actor.id,
        actor_name=actor.name,
        action=action,
        now=now,
        subject=pair.code,
        detail=f"{mentee.code}+{mentor.code}",
    )
    for member in (mentee, mentor):
        await engagement.record(
            connection,
            services.pseudonym_key,
            kind="paired",
            now=now,
            telegram_id=member.telegram_id,
            role=member.role,
            pair_code=pair.code,
        )
    await introduce(services, connection, pair, mentee, mentor, now)
    return pair


async def set_status(
    connection: aiosqlite.Connection, member_id: int, status: str, now: datetime
) -> None:
    """Change a member's status inside the caller's transaction (pair start / rematch)."""
    await connection.execute(
        "UPDATE members SET status = ?, updated_at = ? WHERE id = ?",
        (status, to_db(now), member_id),
    )


async def queue_to_member(
    services: Services,
    connection: aiosqlite.Connection,
    member: Member,
    *,
    key: str,
    text: str,
    kind: str,
    now: datetime,
    buttons: Sequence[Sequence[tuple[str, str]]] | None = None,
    lane: Lane = Lane.INTERACTIVE,
) -> None:
    """Queue a message to a member in the caller's transaction."""
    await queue(
        services,
        key=key,
        chat_id=member.telegram_id,
        member_id=member.id,
        lane=lane,
        kind=kind,
        payload=message_payload(text, buttons),
        now=now,
        connection=connection,
    )


def days_since(value: str | None, now: datetime) -> int | None:
    """Whole days since a stored time, None if unknown."""
    moment = from_db(value)
    return None if moment is None else max(0, int((now - moment).total_seconds() // 86400))
