"""/mydata and /forget as domain operations (no Telegram objects): export, and erase for good."""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bot.core.clock import to_db
from bot.core.pseudonym import member_subject, subject
from bot.delivery.lanes import Lane
from bot.delivery.notify import notify_coordinators
from bot.delivery.outbox_hooks import message_payload, queue
from storage import data_rights, engagement, escalations, members, pairs
from storage.members import Member
from storage.persistence import forget_conversations

if TYPE_CHECKING:
    from bot.services import Services


async def export_document(services: Services, member: Member) -> bytes:
    """Everything held about the member, as a readable JSON document."""
    db = services.db
    document: dict[str, object] = {
        "generated_at": to_db(services.clock.now()) + "Z",
        "about": services.t(member.language, "data.export_about"),
        "member": _readable(await data_rights.member_row(db, member.id)),
    }
    for table, columns in (await data_rights.tables_referencing_members(db)).items():
        if table in data_rights.NOT_EXPORTED:
            continue
        rows = await data_rights.rows_of(db, table, columns, member.id)
        document[table] = [_readable(row) for row in rows]
    secret = await engagement.secret_of(db, member.telegram_id)
    document["anonymised_events"] = (
        await data_rights.engagement_of(db, member_subject(services.pseudonym_key, secret))
        if secret is not None
        else []
    )
    return json.dumps(document, ensure_ascii=False, indent=2, default=str).encode("utf-8")


def _readable(row: dict[str, Any]) -> dict[str, Any]:
    """Columns that hold JSON (lists, preferences, payloads) shown as JSON, not as strings."""
    readable = dict(row)
    for key, value in row.items():
        if isinstance(value, str) and value[:1] in ("[", "{"):
            with contextlib.suppress(ValueError):
                readable[key] = json.loads(value)
    return readable


@dataclass(frozen=True)
class Forgotten:
    """What /forget did: the member's code and the codes of the pairs it ended."""

    code: str
    ended_pairs: tuple[str, ...]
    alert_open: bool = False  # a crisis alert still needs to reach them: finished on resolve


async def forget(
    services: Services, member: Member, *, coordinator_note: str = "data.coordinators_forgot"
) -> Forgotten:
    """Delete every row tied to the member, end their pairs kindly, tell the coordinators the
    code only (`coordinator_note`: why), keep only anonymised events, and leave no trace in the
    database file. The one erasure entry point (/forget and the retention sweep)."""
    db, now, t = services.db, services.clock.now(), services.t
    current = await pairs.current_pairs_of(db, member.id)
    partners = {
        pair.id: await members.get_by_id(db, partner_id)
        for pair in current
        if (partner_id := pair.partner_of(member.id)) is not None
    }
    async with db.transaction() as connection:
        for pair in current:
            role = pair.role_of(member.id) or "mentee"
            if not await pairs.end(
                connection, pair.id, reason="left the programme (/forget)", ended_by=role, now=now
            ):
                continue
            partner = partners.get(pair.id)
            if partner is None:
                continue
            # A neutral message without the leaver's alias, so no copy of it stays behind.
            await queue(
                services,
                key=f"forget:{pair.code}:{partner.code}",
                chat_id=partner.telegram_id,
                member_id=partner.id,
                lane=Lane.SCHEDULED,
                kind="pair_ended",
                payload=message_payload(t(partner.language, f"data.partner_left_{partner.role}")),
                now=now,
                connection=connection,
            )
            # Matchable again unless they still have another pair (a mentor with several).
            await data_rights.matchable_again(connection, partner.id, now)
            await engagement.record(
                connection,
                services.pseudonym_key,
                kind="ended",
                now=now,
                telegram_id=partner.telegram_id,
                role=partner.role,
                pair_code=pair.code,
            )
        await engagement.record(
            connection,
            services.pseudonym_key,
            kind="forgot",
            now=now,
            telegram_id=member.telegram_id,
            role=member.role,
        )
        secret = await engagement.secret_of(connection, member.telegram_id)
        if secret is not None:
            # Events recorded before pseudonyms came from a secret used HMAC(key, Telegram id),
            # which anyone with the key could recompute: they join the secret's pseudonym, so
            # deleting the secret unlinks them too.
            await engagement.rename_subject(
                connection,
                subject(services.pseudonym_key, member.telegram_id),
                member_subject(services.pseudonym_key, secret),
            )
        # An open crisis alert keeps only how to reach them until it is resolved.
        kept = await escalations.keep_contact_after_forget(
            connection, member.id, member.telegram_id, member.language
        )
        await data_rights.delete_member(connection, member.id, member.telegram_id)
        language = services.settings.default_language
        pair_codes = ", ".join(pair.code for pair in current) or "-"
        await notify_coordinators(
            services,
            key=f"forgot:{member.code}",
            text=t(language, coordinator_note, code=member.code, pairs=pair_codes),
            connection=connection,
        )
    await forget_conversations(db, member.telegram_id)
    await db.checkpoint()
    if kept:
        from bot.safety.escalation import edit_alert  # the alert now says what is left and why

        for escalation in await escalations.open_escalations(db):
            if escalation.forget_pending and escalation.contact_chat_id == member.telegram_id:
                await edit_alert(services, escalation, None)
    return Forgotten(member.code, tuple(pair.code for pair in current), alert_open=bool(kept))
