"""Relay buttons: [Send anyway]/[Cancel], picking the mentee, [Message <alias>], [I've reached out]."""

from __future__ import annotations

from typing import TYPE_CHECKING

from telegram import Update
from telegram.ext import CallbackQueryHandler

from bot.core.callbacks import NUMBER, choice, shape
from bot.programme.relay import reached_out as reached_out_with
from bot.programme.relay import relay_pairs
from bot.services import BotContext
from handlers._common import answer_expired, current_member, language_of, reply
from handlers._edits import remove_buttons, settle_button
from handlers._relay_send import ask_recipient, deliver
from storage import members, pairs, relay
from storage.members import Member
from storage.pairs import Pair

if TYPE_CHECKING:  # annotations only
    from handlers._common import Handlers, Wiring

RELAY_CODE = r"[a-z]{0,8}"  # the kinds found in a held message (bot/screen/boundaries.encode)
CRISIS_FLAG = choice("0", "1")


async def _expired(update: Update, context: BotContext, member: Member | None) -> None:
    """An old or no-longer-valid button: say so, change nothing."""
    assert update.callback_query is not None
    await answer_expired(update.callback_query, context, language_of(update, context, member))


async def _member_and_pairs(
    update: Update, context: BotContext
) -> tuple[Member | None, list[Pair]]:
    """The member pressing, and their pairs that may message each other."""
    member = await current_member(update, context)
    if member is None:
        return None, []
    return member, relay_pairs(await pairs.current_pairs_of(context.services.db, member.id))


async def _member_and_chosen_pair(
    update: Update, context: BotContext
) -> tuple[Member | None, Pair | None]:
    """The member pressing, and the pair named in the button (None if not theirs any more)."""
    parts = (
        context.services.signer.verify(
            update.callback_query.data if update.callback_query else None
        )
        or []
    )
    member, current = await _member_and_pairs(update, context)
    wanted = int(parts[2]) if len(parts) > 2 and parts[2].isdigit() else None
    return member, next((p for p in current if p.id == wanted), None)


async def send_anyway(update: Update, context: BotContext) -> None:
    """The sender read the reminder and sends anyway: coordinators are told the kind only."""
    query = update.callback_query
    assert query is not None
    parts = context.services.signer.verify(query.data) or []
    member, current = await _member_and_pairs(update, context)
    message_id, code, pair_id, crisis = int(parts[2]), parts[3], int(parts[4]), parts[5] == "1"
    if (
        member is None
        or not current
        or await relay.by_original(context.services.db, member.telegram_id, message_id)
    ):
        await _expired(update, context, member)
        return
    await query.answer()
    await remove_buttons(query)
    by_id = {pair.id: pair for pair in current}
    pair = by_id.get(pair_id) or (current[0] if len(current) == 1 else None)
    if pair is None:
        await ask_recipient(update, context, member, current, message_id, code, crisis)
        return
    await deliver(update, context, member, pair, message_id, details=code, crisis=crisis)


async def cancel(update: Update, context: BotContext) -> None:
    """Not sent after all."""
    await settle_button(update, context, "relay.cancelled")


async def send_to(update: Update, context: BotContext) -> None:
    """A mentor with several mentees picked whom a waiting message is for."""
    query = update.callback_query
    assert query is not None
    services = context.services
    parts = services.signer.verify(query.data) or []
    member, current = await _member_and_pairs(update, context)
    pair_id, message_id, code, crisis = int(parts[2]), int(parts[3]), parts[4], parts[5] == "1"
    pair = next((p for p in current if p.id == pair_id), None)
    if (
        member is None
        or pair is None
        or await relay.by_original(services.db, member.telegram_id, message_id)
    ):
        await _expired(update, context, member)
        return
    await query.answer()
    await remove_buttons(query)
    await relay.set_target(services.db, member.id, pair.id, services.clock.now())
    await deliver(
        update,
        context,
        member,
        pair,
        message_id,
        details="" if code == "-" else code,
        crisis=crisis,
    )


async def pick(update: Update, context: BotContext) -> None:
    """[Message <alias>]: the next messages go to this partner."""
    query = update.callback_query
    assert query is not None
    services = context.services
    member, pair = await _member_and_chosen_pair(update, context)
    if member is None or pair is None:
        await _expired(update, context, member)
        return
    await query.answer()
    partner = await members.get_by_id(services.db, pair.partner_of(member.id) or 0)
    if partner is None:
        await reply(update, context, services.t(member.language, "relay.partner_left"))
        return
    await relay.set_target(services.db, member.id, pair.id, services.clock.now())
    await reply(
        update, context, services.t(member.language, "relay.picked", alias=partner.display_alias)
    )


async def reached_out(update: Update, context: BotContext) -> None:
    """[I've reached out]: close the mentee's open requests for contact."""
    query = update.callback_query
    assert query is not None
    services = context.services
    member, pair = await _member_and_chosen_pair(update, context)
    if member is None or pair is None or pair.mentor_id != member.id:
        await _expired(update, context, member)
        return
    await reached_out_with(services, member, pair)
    await query.answer(services.t(member.language, "checkin.reached_thanks"))


def handlers(wiring: Wiring) -> Handlers:
    """The relay's buttons (send anyway, cancel, pick a recipient) and "I reached out"."""
    return [
        CallbackQueryHandler(
            send_anyway, pattern=shape("relay", "send", NUMBER, RELAY_CODE, NUMBER, CRISIS_FLAG)
        ),
        CallbackQueryHandler(cancel, pattern=shape("relay", "cancel", NUMBER)),
        CallbackQueryHandler(
            send_to,
            pattern=shape("relay", "to", NUMBER, NUMBER, f"(?:-|{RELAY_CODE})", CRISIS_FLAG),
        ),
        CallbackQueryHandler(pick, pattern=shape("relay", "pick", NUMBER)),
        CallbackQueryHandler(reached_out, pattern=shape("checkin", "reached", NUMBER)),
    ]
