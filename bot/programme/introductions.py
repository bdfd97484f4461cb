"""Introductions: the two messages that present a new pair, with [I'm in] and [Not for me]."""

from __future__ import annotations

from typing import TYPE_CHECKING

import aiosqlite

from bot.core.i18n import Html
from bot.delivery.lanes import Lane
from bot.delivery.outbox_hooks import message_payload, queue
from storage import pairs
from storage.members import Member

if TYPE_CHECKING:
    from datetime import datetime

    from bot.services import Services


def shared_text(services: Services, language: str, mentee: Member, mentor: Member) -> Html:
    """What the two have in common, for the introductions (labels, in the reader's words)."""
    areas = sorted(set(mentee.focus_areas) & set(mentor.lived_experience))
    labels = [services.content.intake.label("focus_areas", a, language).lower() for a in areas]
    return (
        services.t(language, "pair.shared_areas", areas=", ".join(labels))
        if labels
        else services.t(language, "pair.shared_none")
    )


async def introduce(
    services: Services,
    connection: aiosqlite.Connection,
    pair: pairs.Pair,
    mentee: Member,
    mentor: Member,
    now: datetime,
) -> None:
    """Queue both introductions with [I'm in] [Not for me] (in the pair's transaction)."""
    t, weeks = services.t, services.settings.program_weeks
    sign = services.signer.sign
    button, decline = sign("pair", "in", pair.id), sign("pair", "no", pair.id)
    for member, partner in ((mentee, mentor), (mentor, mentee)):
        language = member.language
        text = t(
            language,
            f"pair.intro_{member.role}",
            partner=partner.display_alias,
            shared=shared_text(services, language, mentee, mentor),
            weeks=weeks,
        )
        await queue(
            services,
            key=f"pair:{pair.code}:intro:{member.role}",
            chat_id=member.telegram_id,
            member_id=member.id,
            lane=Lane.INTERACTIVE,
            kind="introduction",
            payload=message_payload(
                text,
                [[(t(language, "pair.im_in"), button), (t(language, "pair.not_for_me"), decline)]],
            ),
            now=now,
            connection=connection,
        )
