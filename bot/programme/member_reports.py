"""A member reporting a concern about their pair: stored (pair, kind, who), counted, and the
coordinators told at once with the pair code and kind. Any words added later are never stored."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.delivery.notify import notify_coordinators
from storage import engagement, relay
from storage.members import Member
from storage.pairs import Pair

if TYPE_CHECKING:
    from bot.services import Services


async def raise_report(services: Services, member: Member, pair: Pair, kind: str) -> int:
    """Store the report, count it and alert the coordinators; the report's number."""
    now = services.clock.now()
    report_id = await relay.add_report(
        services.db, pair_id=pair.id, member_id=member.id, kind=kind, now=now
    )
    await engagement.record(
        services.db,
        services.pseudonym_key,
        kind="report_raised",
        now=now,
        telegram_id=member.telegram_id,
        role=member.role,
        pair_code=pair.code,
    )
    language, t = services.settings.default_language, services.t
    await notify_coordinators(
        services,
        key=f"report:{report_id}",
        kind="report",
        text=t(
            language,
            "report.coord",
            number=report_id,
            pair=pair.code,
            kind=t(language, f"report.kind_{kind}"),
            code=member.code,
            role=member.role or "-",
        ),
    )
    return report_id
