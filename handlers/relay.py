"""The relay: what a paired member sends outside a flow is copied to their partner.

Copies are made by the bot (copyMessage + protect_content), so neither partner sees the other's
Telegram identity and the database never holds the content. Personal details prompt a reminder
of the guidelines first; a mentor with several mentees replies to a relayed message or picks.
Queueing the copy (also after a button press) is handlers/_relay_send.py.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import TYPE_CHECKING

from telegram import Message, Update
from telegram.ext import MessageHandler, filters

from bot.programme import help_menu
from bot.programme.relay import relay_pairs
from bot.screen import boundaries
from bot.screen.crisis_reply import is_crisis
from bot.services import BotContext, Services
from handlers._common import (
    answer_stray_message,
    current_member,
    detected_risk,
    member_help,
    reply,
)
from handlers._relay_send import ask_recipient, deliver
from storage import pairs, relay
from storage.members import Member
from storage.pairs import Pair

if TYPE_CHECKING:  # annotations only
    from handlers._common import Handlers, Wiring

log = logging.getLogger(__name__)
TARGET_VALID = timedelta(minutes=60)  # a mentor's pick of mentee holds this long after last use


async def relay_message(update: Update, context: BotContext) -> None:
    """A message outside any flow: relay it to the partner, or explain why not."""
    message = update.effective_message
    assert message is not None
    member = await current_member(update, context)
    if member is None:
        await answer_stray_message(update, context)
        return
    services = context.services
    if member.suspended_at is not None:  # their pairs are paused; /crisis still works
        if detected_risk(update, context) is None:
            await reply(update, context, services.t(member.language, "suspend.on_hold"))
        return
    current = relay_pairs(await pairs.current_pairs_of(services.db, member.id))
    # The safety screen (group -1) already answered crisis language; the flag travels with
    # the message so the mentor's crisis-protocol note follows it even after a button press.
    crisis = is_crisis(detected_risk(update, context))
    if not current:
        if not crisis:  # the crisis answer was just sent; "you're not paired" would jar
            text = services.t(member.language, _unpaired_key(member))
            menu = member_help(context, member.language, help_menu.help_role(member))
            await reply(update, context, f"{text}\n\n{menu}")
        return
    pair, reply_to = await choose_pair(services, member, current, message)
    kinds = detect_details(services, member, message)
    if kinds:
        await ask_boundary(update, context, member, message.message_id, kinds, pair, crisis)
        return
    if pair is None:
        await ask_recipient(update, context, member, current, message.message_id, "-", crisis)
        return
    await deliver(
        update,
        context,
        member,
        pair,
        message.message_id,
        reply_to=reply_to,
        album=message.media_group_id,
        crisis=crisis,
    )


def _unpaired_key(member: Member) -> str:
    """What happens next, by role."""
    if member.role == "mentor":
        return "relay.unpaired_mentor"
    if member.role == "mentee":
        return "relay.unpaired_mentee"
    return "relay.unpaired_other"


def meeting_rules(services: Services) -> boundaries.MeetingRules:
    """The meeting rules of the live content (rebuilt after /reload)."""
    content = services.content.relay.boundaries
    cached = services.relay.meeting_rules
    if cached is None or cached[0] is not content:
        cached = (content, boundaries.MeetingRules.from_content(content))
        services.relay.meeting_rules = cached
    return cached[1]


def detect_details(services: Services, member: Member, message: Message) -> list[str]:
    """Kinds of personal detail in the message (text, caption, shared contact or place)."""
    text = message.text or message.caption or ""
    entities = [entity.type for entity in (message.entities or message.caption_entities or ())]
    if message.contact is not None:
        entities.append("phone_number")
    kinds = boundaries.detect(
        text,
        region=member.country or services.settings.default_country,
        meeting=meeting_rules(services),
        entity_types=entities,
    )
    if (message.location is not None or message.venue is not None) and "meeting" not in kinds:
        kinds.append("meeting")
    return [kind for kind in boundaries.KINDS if kind in kinds]


async def choose_pair(
    services: Services, member: Member, current: list[Pair], message: Message
) -> tuple[Pair | None, int | None]:
    """Which pair a message is for, and which message in the partner's chat it replies to."""
    by_id = {pair.id: pair for pair in current}
    replied = message.reply_to_message
    if replied is not None:
        copy = await relay.by_copy(services.db, member.telegram_id, replied.message_id)
        if copy is not None and copy.pair_id in by_id:
            return by_id[copy.pair_id], copy.from_msg
        own = await relay.by_original(services.db, member.telegram_id, replied.message_id)
        if own is not None and own.pair_id in by_id:
            return by_id[own.pair_id], own.to_msg
    if len(current) == 1:
        return current[0], None
    chosen = await relay.target(services.db, member.id, services.clock.now() - TARGET_VALID)
    return by_id.get(chosen or 0), None


async def ask_boundary(
    update: Update,
    context: BotContext,
    member: Member,
    message_id: int,
    kinds: list[str],
    pair: Pair | None,
    crisis: bool,
) -> None:
    """Remind the sender of the guidelines: [Send anyway] [Cancel]."""
    t, sign, language = context.services.t, context.services.signer.sign, member.language
    found = ", ".join(t(language, f"relay.kind_{kind}") for kind in kinds)
    code = boundaries.encode(kinds)
    buttons = [
        [
            (
                t(language, "relay.send_anyway"),
                sign("relay", "send", message_id, code, pair.id if pair else 0, int(crisis)),
            ),
            (t(language, "relay.cancel"), sign("relay", "cancel", message_id)),
        ]
    ]
    await reply(update, context, t(language, "relay.boundary", found=found), buttons)


async def relay_edited(update: Update, context: BotContext) -> None:
    """An edit of a relayed message: the partner keeps the first version; say so."""
    message = update.effective_message
    member = await current_member(update, context)
    if member is None:
        await answer_stray_message(update, context)
        return
    if message is not None and await relay.by_original(
        context.services.db, member.telegram_id, message.message_id
    ):
        await reply(update, context, context.services.t(member.language, "relay.edit_not_relayed"))


def handlers(wiring: Wiring) -> Handlers:
    """Private messages to a partner, and their edits (answered apart: the first version stays)."""
    return [
        MessageHandler(
            filters.UpdateType.EDITED_MESSAGE & filters.ChatType.PRIVATE & ~filters.COMMAND,
            relay_edited,
        ),
        MessageHandler(
            filters.UpdateType.MESSAGE & filters.ChatType.PRIVATE & ~filters.COMMAND, relay_message
        ),
    ]
