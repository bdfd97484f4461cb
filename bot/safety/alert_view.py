"""A crisis alert as the coordinators see it: codes and alias only, and its buttons for its status."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from bot.core.clock import from_db
from bot.core.i18n import Html
from bot.core.words import duration
from storage import members, pairs
from storage.escalations import Escalation
from storage.members import Member

if TYPE_CHECKING:
    from bot.services import Services


def minutes_between(start: str | None, end: datetime) -> int:
    """Whole minutes from a stored time to `end` (0 if unknown)."""
    began = from_db(start)
    return max(0, int((end - began).total_seconds() // 60)) if began else 0


async def alert_view(
    services: Services,
    escalation: Escalation,
    member: Member | None,
    *,
    banner: str | None = None,
) -> tuple[Html, list[list[tuple[str, str]]]]:
    """The alert as coordinators see it (codes and alias only) and its buttons for its status."""
    t, language = services.t, services.settings.default_language
    pair = await pairs.get(services.db, escalation.pair_id) if escalation.pair_id else None
    opened = from_db(escalation.created_at)
    assert opened is not None
    lines = [banner] if banner else []
    lines += [
        t(language, f"escalation.title_{escalation.severity}"),
        *([t(language, "escalation.kind_danger")] if escalation.kind == "danger" else []),
        t(language, "escalation.who_not_joined")
        if escalation.member_code is None
        else t(
            language,
            "escalation.who",
            code=escalation.member_code,
            alias=(member.alias if member else None) or "-",
            role=(member.role if member else None) or "-",
            pair=pair.code if pair else "-",
        ),
        t(
            language,
            "escalation.what",
            source=t(language, f"escalation.source_{escalation.source}"),
            time=opened.strftime("%Y-%m-%d %H:%M UTC"),
            count=escalation.detections,
        ),
    ]
    if escalation.member_id is None and escalation.member_code is None:
        lines.append(t(language, "escalation.not_joined"))
    if escalation.member_said and escalation.status != "resolved":
        lines.append(t(language, f"escalation.member_said_{escalation.member_said}"))
    if escalation.forget_pending and escalation.status != "resolved":
        lines.append(t(language, "escalation.forgotten_open"))
    if member is not None and member.unreachable:
        lines.append(t(language, "escalation.unreachable"))
    words = services.crisis.alert_words.get(escalation.id)
    if words and services.settings.share_crisis_text_with_coordinators:
        lines.append(t(language, "escalation.their_words", text=words[:1500]))
    sign = services.signer.sign
    buttons: list[list[tuple[str, str]]] = []
    # While the alert is open the person can be written to through the bot, whoever they are.
    reachable = escalation.contact_chat_id is not None or escalation.member_id is not None
    write: list[tuple[str, str]] = [
        (t(language, "escalation.message_member"), sign("co", "esc", "msg", escalation.id))
    ]
    if escalation.status == "open":
        buttons = [[(t(language, "escalation.claim"), sign("co", "esc", "claim", escalation.id))]]
        buttons += [write] if reachable else []
    elif escalation.status == "claimed":
        claimed = from_db(escalation.claimed_at)
        lines.append(
            t(
                language,
                "escalation.claimed",
                name=escalation.claimed_by_name or "?",
                time=claimed.strftime("%H:%M UTC") if claimed else "?",
                minutes=duration(language, (claimed or opened) - opened),
            )
        )
        buttons = [
            [(t(language, "escalation.resolve"), sign("co", "esc", "resolve", escalation.id))]
        ]
        buttons += [write] if reachable else []
    else:
        resolved = from_db(escalation.resolved_at)
        if escalation.claimed_by_name:
            lines.append(t(language, "escalation.claimed_short", name=escalation.claimed_by_name))
        lines.append(
            t(
                language,
                "escalation.resolved",
                name=escalation.resolved_by_name or "?",
                time=resolved.strftime("%H:%M UTC") if resolved else "?",
                outcome=t(language, f"escalation.outcome_{escalation.outcome or 'other'}"),
            )
        )
    return Html("\n".join(lines)), buttons


async def member_of(services: Services, escalation: Escalation) -> Member | None:
    """The member an escalation is about, if they are still in the programme."""
    if escalation.member_id is None:
        return None
    return await members.get_by_id(services.db, escalation.member_id)
