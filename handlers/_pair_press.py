"""Shared by the member's pair handlers: the pair a button names, its presser, the partner."""

from __future__ import annotations

from telegram import Update

from bot.core.callbacks import payload_parts
from bot.services import BotContext
from handlers._common import answer_expired_press, current_member
from handlers._edits import drop_buttons
from storage import members, pairs
from storage.members import Member


async def partner_alias(context: BotContext, pair: pairs.Pair, member: Member) -> str:
    """The partner's alias (or code), '-' if they left the programme."""
    partner = await members.get_by_id(context.services.db, pair.partner_of(member.id) or 0)
    return partner.display_alias if partner else "-"


async def member_and_pair(
    update: Update, context: BotContext
) -> tuple[Member | None, pairs.Pair | None, list[str]]:
    """The pressing member, the pair named by the button, and the button's payload parts."""
    query = update.callback_query
    assert query is not None
    parts = payload_parts(query.data)
    member = await current_member(update, context)
    # The registered shapes put the pair id third, as digits that fit SQLite's integers.
    pair = await pairs.get(context.services.db, int(parts[2]))
    if member is None or pair is None or pair.role_of(member.id) is None:
        return None, None, parts
    return member, pair, parts


async def pressed_pair(
    update: Update, context: BotContext, *, open_only: bool = True
) -> tuple[Member, pairs.Pair, list[str]] | None:
    """The presser's pair (still open, unless `open_only` is off): the press is answered and the
    buttons dropped. None, after an "expired" answer, if it is not theirs (or has ended)."""
    member, pair, parts = await member_and_pair(update, context)
    if member is None or pair is None or (open_only and pair.status == "ended"):
        await answer_expired_press(update, context)
        return None
    assert update.callback_query is not None
    await update.callback_query.answer()
    await drop_buttons(update.callback_query)
    return member, pair, parts
