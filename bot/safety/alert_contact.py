"""Coordinators write to the person an open alert is about, through the bot.

The bot sends the words as its own message, so the coordinator's name and account stay hidden
and the member's Telegram id is never shown. It works for people who never joined and for
people who asked to be forgotten, because an open alert keeps how to reach them
(escalations.contact_chat_id) until it is resolved.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from bot.core.i18n import escape
from bot.delivery.lanes import Lane
from bot.delivery.notify import notify_coordinators
from bot.delivery.outbox_hooks import message_payload, queue
from storage import audit, escalations, members
from storage.escalations import Escalation

if TYPE_CHECKING:
    from bot.services import Services

MAX_CHARS = 3000  # the coordinator's words; with the frame, well within Telegram's 4096


async def reach(services: Services, escalation: Escalation) -> tuple[int, str] | None:
    """(chat id, language) to write to the person, or None if they cannot be reached."""
    if escalation.status == "resolved":
        return None
    if escalation.contact_chat_id is not None:
        return escalation.contact_chat_id, escalation.contact_language or (
            services.settings.default_language
        )
    member = (
        await members.get_by_id(services.db, escalation.member_id)
        if (escalation.member_id)
        else None
    )
    return (member.telegram_id, member.language) if member else None


async def message_member(
    services: Services, escalation_id: int, text: str, *, by: int, name: str
) -> str | None:
    """Queue the coordinator's words to the person (crisis lane); the member code, or None if
    the alert is closed or the person cannot be reached."""
    escalation = await escalations.get(services.db, escalation_id)
    target = await reach(services, escalation) if escalation else None
    if escalation is None or target is None:
        return None
    chat_id, language = target
    now = services.clock.now()
    body = services.t(language, "crisis.from_coordinators", text=escape(text[:MAX_CHARS]))
    reply_button = [
        [
            (
                services.t(language, "crisis.reply_button"),
                services.signer.sign("crisis", "reply", escalation.id),
            )
        ]
    ]
    await queue(
        services,
        key=f"alert_message:{escalation.id}:{by}:{now.timestamp()}",
        chat_id=chat_id,
        member_id=escalation.member_id,
        lane=Lane.CRISIS,
        kind="coordinator_message",
        payload=message_payload(body, reply_button),
        now=now,
    )
    await audit.record(
        services.db,
        actor_id=by,
        actor_name=name,
        action="escalation_message",
        now=now,
        subject=escalation.member_code,
        detail=f"escalation {escalation.id}",
    )
    return escalation.member_code or "?"


REPLY_WAIT = timedelta(minutes=30)


def awaiting_reply(
    pending: Mapping[int, tuple[int, datetime]], chat_id: int, now: datetime
) -> int | None:
    """The alert a member is writing a reply about, if they pressed [Reply] a moment ago."""
    waiting = pending.get(chat_id)  # (escalation id, deadline)
    return waiting[0] if waiting and now < waiting[1] else None


async def forward_reply(services: Services, escalation_id: int, text: str) -> bool:
    """The member's reply goes to the coordinators, under the alert; False if it is closed."""
    escalation = await escalations.get(services.db, escalation_id)
    if escalation is None or escalation.status == "resolved":
        return False
    now = services.clock.now()
    await notify_coordinators(
        services,
        key=f"escalation:{escalation.id}:member_reply:{now.timestamp()}",
        kind="escalation_reply",
        lane=Lane.CRISIS,
        reply_to=escalation.first_alert_message_id,
        text=services.t(
            services.settings.default_language,
            "escalation.member_replied",
            code=escalation.member_code or "?",
            text=text[:MAX_CHARS],
        ),
    )
    return True
