"""Sending a relayed message on: asking a mentor with several mentees who it is for, and queueing
the copy for the partner (straight from the relay, or after [Send anyway] or a pick)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from telegram import Update

from bot.core import words
from bot.delivery.lanes import Lane
from bot.delivery.notify import notify_coordinators
from bot.delivery.outbox_hooks import message_payload
from bot.programme.relay import HOLD, notify_unreachable, queue_copy, relay_pairs
from bot.screen import boundaries
from bot.services import BotContext, Services
from handlers._common import Button, reply
from storage import members, outbox, pairs, relay
from storage.members import Member
from storage.pairs import Pair

CRISIS_CARD_KIND = "crisis_card"  # outbox kind of the escalation's mentor card
CRISIS_CARD_WINDOW = timedelta(minutes=30)


async def ask_recipient(
    update: Update,
    context: BotContext,
    member: Member,
    current: list[Pair],
    message_id: int,
    code: str,
    crisis: bool,
) -> None:
    """A mentor with several mentees: who is this message for?"""
    services = context.services
    buttons: list[list[Button]] = []
    for pair in current:
        partner = await members.get_by_id(services.db, pair.partner_of(member.id) or 0)
        label = partner.display_alias if partner else services.t(member.language, "relay.left")
        buttons.append(
            [
                (
                    label[:40],
                    services.signer.sign("relay", "to", pair.id, message_id, code, int(crisis)),
                )
            ]
        )
    await reply(update, context, services.t(member.language, "relay.who_for"), buttons)


async def deliver(
    update: Update,
    context: BotContext,
    member: Member,
    pair: Pair,
    message_id: int,
    *,
    reply_to: int | None = None,
    album: str | None = None,
    details: str = "",
    crisis: bool = False,
) -> None:
    """Queue the copy for the partner and acknowledge (or explain why it cannot go)."""
    services = context.services
    t, language, now = services.t, member.language, services.clock.now()
    partner = await members.get_by_id(services.db, pair.partner_of(member.id) or 0)
    coordinator_language = services.settings.default_language
    if partner is None:
        await reply(update, context, t(language, "relay.partner_left"))
        await notify_coordinators(
            services,
            key=f"relay_partner_left:{pair.code}",
            kind="relay_problem",
            text=t(coordinator_language, "relay.coord_partner_left", pair=pair.code),
        )
        return
    if partner.unreachable:
        await reply(update, context, t(language, "relay.partner_unreachable"))
        await notify_unreachable(services, pair)
        return
    if details:
        kinds = ", ".join(
            t(coordinator_language, f"relay.kind_{kind}") for kind in boundaries.decode(details)
        )
        await notify_coordinators(
            services,
            key=f"boundary:{member.id}:{message_id}",
            kind="boundary",
            text=t(
                coordinator_language,
                "relay.coord_boundary",
                pair=pair.code,
                role=t(coordinator_language, f"matching.role_{member.role or 'mentee'}"),
                kinds=kinds,
            ),
        )
    queued = await queue_copy(
        services,
        pair=pair,
        sender=member,
        recipient=partner,
        message_id=message_id,
        reply_to=reply_to,
    )
    if not queued.new:
        return
    if len(relay_pairs(await pairs.current_pairs_of(services.db, member.id))) > 1:
        await relay.set_target(services.db, member.id, pair.id, now)
    if (
        crisis
        and partner.role == "mentor"
        and not await relay.queued_recently(
            services.db, partner.telegram_id, CRISIS_CARD_KIND, now - CRISIS_CARD_WINDOW
        )
    ):
        # No crisis-protocol card went to this mentor for the episode (the escalation sends
        # one for high severity in an active pair): this note ties the protocol to the message.
        await outbox.enqueue(
            services.db,
            key=f"relay_crisis_note:{member.id}:{message_id}",
            chat_id=partner.telegram_id,
            member_id=partner.id,
            lane=Lane.RELAY,
            kind="relay_crisis_note",
            not_before=queued.deliver_at,
            now=now,
            payload=message_payload(
                t(partner.language, "relay.crisis_note", alias=member.display_alias)
            ),
        )
        services.outbox.wake()
    first_of_album = _first_of_album(services, member.telegram_id, album)
    if not first_of_album:
        services.relay.quiet_acks.add((member.telegram_id, message_id))
    elif queued.held:
        await reply(update, context, held_text(services, member, partner, queued.deliver_at, now))


def _first_of_album(services: Services, chat_id: int, album: str | None) -> bool:
    """Acknowledge an album once, not once per photo."""
    if album is None:
        return True
    seen = services.relay.albums
    first = seen.get(chat_id) != album
    seen[chat_id] = album
    return first


def held_text(
    services: Services, sender: Member, partner: Member, deliver_at: datetime, now: datetime
) -> str:
    """ "Held until 08:00 their time" (or until they are back from a pause)."""
    t, language = services.t, sender.language
    if deliver_at == HOLD:
        return t(language, "relay.held_paused", alias=partner.display_alias)
    local = deliver_at.astimezone(ZoneInfo(partner.timezone))
    when = local.strftime("%H:%M")
    if deliver_at - now > timedelta(hours=24):
        when = words.moment(language, deliver_at, partner.timezone)
    return t(language, "relay.held", alias=partner.display_alias, time=when)
