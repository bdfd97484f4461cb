"""Counting how the coping menu is used: opening it, and rating a strategy (anonymously)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.core.pseudonym import content_number
from storage import coping, engagement
from storage.members import Member

if TYPE_CHECKING:
    from bot.services import Services


async def opened(services: Services, member: Member | None) -> None:
    """The menu was opened (by a member, or by someone who has not joined)."""
    await engagement.record(
        services.db,
        services.pseudonym_key,
        kind="coping_opened",
        now=services.clock.now(),
        telegram_id=member.telegram_id if member else None,
        role=member.role if member else None,
    )


async def rate(services: Services, strategy_id: str, helpful: bool) -> None:
    """[This helped] / [Not for me] on a strategy: its tally, and the evaluation's count."""
    await coping.record(services.db, strategy_id, helpful=helpful)
    # Which strategy, but not who: no pseudonym on this row, so answers cannot be linked.
    await engagement.record(
        services.db,
        services.pseudonym_key,
        kind="coping_helpful" if helpful else "coping_not_helpful",
        now=services.clock.now(),
        value=content_number(strategy_id),
    )
