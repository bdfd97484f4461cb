"""The crisis path when the database cannot be written (disk full, read-only file, I/O error).

The crisis reply is sent directly and needs no write. The coordinators' alert is normally an
escalation row and an outbox row; if those writes fail, the alert is sent straight to the group
instead (without buttons: there is no row to claim), and the failure is logged CRITICAL so an
operator frees space. Nothing here is kept: when writes work again, the bot carries on as usual.
The crisis path's own small writes (how someone came in, their answer to "are you safe?", that
they blocked the bot) are logged instead of raised when they fail, for the same reason.
"""

from __future__ import annotations

import logging
import sqlite3
from typing import TYPE_CHECKING, Any

from telegram.error import TelegramError

from bot.delivery.lanes import Lane
from bot.delivery.outbox_hooks import call_bot, message_payload
from bot.safety.escalation import raise_alert
from storage import engagement, members

if TYPE_CHECKING:
    from bot.services import Services
    from storage.members import Member

log = logging.getLogger(__name__)


async def raise_alert_or_send_directly(
    services: Services,
    bot: Any,
    *,
    member: Member | None,
    severity: str,
    source: str,
    telegram_id: int | None = None,
    text: str | None = None,
    kind: str = "self",
    language: str | None = None,
) -> int | None:
    """raise_alert (same arguments); if the database refuses the write, post the alert to the
    group directly and return None instead of the escalation's id."""
    try:
        return await raise_alert(
            services,
            member=member,
            severity=severity,
            source=source,
            telegram_id=telegram_id,
            text=text,
            kind=kind,
            language=language,
        )
    except sqlite3.Error as exc:
        log.critical(
            "crisis alert could not be saved (%s); sending it to the coordinators directly", exc
        )
        payload = message_payload(direct_alert_text(services, member, severity, source, kind=kind))
        # The group first; if it cannot be reached either, the fallback coordinators in private.
        for chat_id in (services.settings.coordinator_chat_id, *services.settings.fallback_ids):
            try:
                await call_bot(bot, "sendMessage", chat_id, dict(payload), Lane.CRISIS)
                return None
            except TelegramError as error:
                log.critical(
                    "unsaved crisis alert could not be sent to chat %s (%s)",
                    chat_id,
                    type(error).__name__,
                )
        return None


def direct_alert_text(
    services: Services, member: Member | None, severity: str, source: str, *, kind: str = "self"
) -> str:
    """The alert as coordinators see it, from what is known without the database."""
    t, language = services.t, services.settings.default_language
    lines = [
        t(language, f"escalation.title_{severity}"),
        t(
            language,
            "escalation.who",
            code=(member.code if member else None) or "?",
            alias=(member.alias if member else None) or "-",
            role=(member.role if member else None) or "-",
            pair="-",
        ),
        t(
            language,
            "escalation.what",
            source=t(language, f"escalation.source_{source}"),
            time=services.clock.now().strftime("%Y-%m-%d %H:%M UTC"),
            count=1,
        ),
    ]
    if kind == "danger":
        lines.append(t(language, "escalation.kind_danger"))
    if member is None:
        lines.append(t(language, "escalation.not_joined"))
    lines.append(t(language, "escalation.not_saved"))
    return "\n".join(lines)


async def write_or_log(what: str, write: Any) -> None:
    """Await a write that must not stop the crisis path (an anonymised count); a database
    failure is logged CRITICAL instead of raised."""
    try:
        await write
    except sqlite3.Error as exc:
        log.critical("could not record %s (%s)", what, exc)


ENTRY_COMMAND, ENTRY_BUTTON, ENTRY_DETECTED = 1, 2, 3  # engagement value of crisis_entered


async def record_crisis_entry(services: Services, member: Member | None, how: int) -> None:
    """Anonymised: someone reached the crisis path, and how (no pseudonym before consent)."""
    await write_or_log(
        "a crisis entry",
        engagement.record(
            services.db,
            services.pseudonym_key,
            kind="crisis_entered",
            now=services.clock.now(),
            telegram_id=member.telegram_id if member else None,
            role=member.role if member else None,
            value=how,
        ),
    )


async def record_crisis_answer(services: Services, member: Member | None, *, safe: bool) -> None:
    """Anonymised answer to "are you safe?" (1 safe for now, 0 not safe)."""
    await write_or_log(
        'an answer to "are you safe?"',
        engagement.record(
            services.db,
            services.pseudonym_key,
            kind="crisis_answered",
            now=services.clock.now(),
            telegram_id=member.telegram_id if member else None,
            role=member.role if member else None,
            value=1 if safe else 0,
        ),
    )


async def mark_unreachable(services: Services, member: Member | None) -> None:
    """They blocked the bot: note it, so the alert tells coordinators the bot cannot reach them."""
    log.info("crisis reply refused: the person blocked the bot")
    if member is not None and not member.unreachable:
        # A full disk must not stop the alert that follows.
        await write_or_log(
            "that a member is unreachable",
            members.update_profile(services.db, member.id, services.clock.now(), unreachable=True),
        )
