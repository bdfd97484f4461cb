"""A member's side of a running pair: [I'm in] or [Not for me], the fit check, rematch."""

from __future__ import annotations

from typing import TYPE_CHECKING

from telegram import Update
from telegram.ext import CallbackQueryHandler

from bot.core.callbacks import NUMBER, choice, shape
from bot.programme import closure, decline, pair_start
from bot.services import BotContext
from handlers._common import answer_expired_press, reply
from handlers._edits import drop_buttons
from handlers._pair_press import member_and_pair, partner_alias, pressed_pair
from storage import pairs
from storage.members import Member

if TYPE_CHECKING:  # annotations only
    from handlers._common import Handlers, Wiring


async def accept_button(update: Update, context: BotContext) -> None:
    """[I'm in] on an introduction."""
    query = update.callback_query
    assert query is not None
    member, pair, _ = await member_and_pair(update, context)
    if member is None or pair is None:
        await answer_expired_press(update, context)
        return
    services, t = context.services, context.services.t
    outcome, pair = await pair_start.accept(services, pair.id, member)
    if outcome == "stale" or pair is None:
        await answer_expired_press(update, context)
        return
    if outcome == "already":
        await query.answer(t(member.language, "pair.already_accepted"))
        return
    await query.answer()
    await drop_buttons(query)
    partner = await partner_alias(context, pair, member)
    if outcome == "waiting":
        await reply(update, context, t(member.language, "pair.accepted_waiting", partner=partner))
    else:
        await reply(
            update,
            context,
            t(
                member.language,
                "pair.started",
                partner=partner,
                weeks=services.settings.program_weeks,
            ),
        )


async def not_for_me_button(update: Update, context: BotContext) -> None:
    """[Not for me] on an introduction: ask for an optional reason, or go back."""
    found = await _open_introduction(update, context)
    if found is None:
        return
    member, pair = found
    t, sign, language = context.services.t, context.services.signer.sign, member.language
    buttons = [
        [(t(language, f"pair.decline_reason_{reason}"), sign("pair", "nor", pair.id, reason))]
        for reason in decline.REASONS
    ]
    buttons.append([(t(language, "pair.decline_back"), sign("pair", "noback", pair.id))])
    await reply(update, context, t(language, "pair.decline_ask"), buttons)


async def decline_button(update: Update, context: BotContext) -> None:
    """A reason (or "rather not say") was chosen: the introduction closes without fault."""
    query = update.callback_query
    assert query is not None
    member, pair, parts = await member_and_pair(update, context)
    if (
        member is None
        or pair is None
        or await decline.decline(
            context.services, pair.id, member, parts[3] if len(parts) > 3 else ""
        )
        != "declined"
    ):
        await answer_expired_press(update, context)
        return
    await query.answer()
    await drop_buttons(query)
    role = pair.role_of(member.id) or "mentee"
    await reply(update, context, context.services.t(member.language, f"pair.declined_self_{role}"))


async def decline_back_button(update: Update, context: BotContext) -> None:
    """[Go back]: the introduction stays open."""
    found = await _open_introduction(update, context)
    if found is None:
        return
    member, _pair = found
    assert update.callback_query is not None
    await drop_buttons(update.callback_query)
    await reply(update, context, context.services.t(member.language, "pair.decline_back_done"))


async def _open_introduction(
    update: Update, context: BotContext
) -> tuple[Member, pairs.Pair] | None:
    """The presser and their introduction still waiting for an answer (the press answered), or
    None after the expired-button answer."""
    assert update.callback_query is not None
    member, pair, _ = await member_and_pair(update, context)
    if member is None or pair is None or pair.status != "introduced":
        await answer_expired_press(update, context)
        return None
    await update.callback_query.answer()
    return member, pair


async def fit_button(update: Update, context: BotContext) -> None:
    """Good / Not sure yet / Not a fit: private; 'not a fit' offers a no-fault rematch."""
    query = update.callback_query
    assert query is not None
    member, pair, parts = await member_and_pair(update, context)
    answer = parts[3] if len(parts) > 3 else ""
    if (
        member is None
        or pair is None
        or await closure.answer_fit(context.services, pair.id, member, answer) != "recorded"
    ):
        await answer_expired_press(update, context)
        return
    await query.answer()
    await drop_buttons(query)
    t, sign = context.services.t, context.services.signer.sign
    buttons = None
    if answer == "not_fit":
        buttons = [
            [
                (t(member.language, "pair.rematch_yes"), sign("pair", "rematch", pair.id, "yes")),
                (t(member.language, "pair.rematch_no"), sign("pair", "rematch", pair.id, "no")),
            ]
        ]
    await reply(update, context, t(member.language, f"pair.fit_thanks_{answer}"), buttons)


async def rematch_button(update: Update, context: BotContext) -> None:
    """After 'not a fit': [Yes, a fresh start] ends the pair without blame; [Not now] keeps it."""
    pressed = await pressed_pair(update, context)
    if pressed is None:
        return
    member, pair, parts = pressed
    if parts[3:] == ["yes"]:
        await closure.rematch(context.services, pair.id, member)
    else:
        await reply(update, context, context.services.t(member.language, "pair.rematch_kept"))


def handlers(wiring: Wiring) -> Handlers:
    """Every handler for answering an introduction, the fit check and rematch."""
    return [
        CallbackQueryHandler(accept_button, pattern=shape("pair", "in", NUMBER)),
        CallbackQueryHandler(not_for_me_button, pattern=shape("pair", "no", NUMBER)),
        CallbackQueryHandler(
            decline_button, pattern=shape("pair", "nor", NUMBER, choice(*decline.REASONS))
        ),
        CallbackQueryHandler(decline_back_button, pattern=shape("pair", "noback", NUMBER)),
        CallbackQueryHandler(
            fit_button, pattern=shape("pair", "fit", NUMBER, choice(*closure.FIT_VALUES))
        ),
        CallbackQueryHandler(
            rematch_button, pattern=shape("pair", "rematch", NUMBER, choice("yes", "no"))
        ),
    ]
