"""A member's side of a pair: [I'm in] or [Not for me], the fit check, rematch, /end and the exit survey."""

from __future__ import annotations

from typing import TYPE_CHECKING

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot.core.callbacks import NUMBER, choice, payload_parts, shape
from bot.programme import closure, decline, pair_start
from bot.services import BotContext
from handlers._common import Button, answer_expired_press, current_member, reply
from handlers._edits import drop_buttons, edit_pressed
from storage import members, pairs
from storage.members import Member

if TYPE_CHECKING:  # annotations only
    from handlers._common import Handlers, Wiring

END_REASONS = ("done", "fit", "life", "none")


async def _partner_alias(context: BotContext, pair: pairs.Pair, member: Member) -> str:
    """The partner's alias (or code), '-' if they left the programme."""
    partner = await members.get_by_id(context.services.db, pair.partner_of(member.id) or 0)
    return partner.display_alias if partner else "-"


async def _member_and_pair(
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


async def _pressed(
    update: Update, context: BotContext, *, open_only: bool = True
) -> tuple[Member, pairs.Pair, list[str]] | None:
    """The presser's pair (still open, unless `open_only` is off): the press is answered and the
    buttons dropped. None, after an "expired" answer, if it is not theirs (or has ended)."""
    member, pair, parts = await _member_and_pair(update, context)
    if member is None or pair is None or (open_only and pair.status == "ended"):
        await answer_expired_press(update, context)
        return None
    assert update.callback_query is not None
    await update.callback_query.answer()
    await drop_buttons(update.callback_query)
    return member, pair, parts


async def accept_button(update: Update, context: BotContext) -> None:
    """[I'm in] on an introduction."""
    query = update.callback_query
    assert query is not None
    member, pair, _ = await _member_and_pair(update, context)
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
    partner = await _partner_alias(context, pair, member)
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
    member, pair, parts = await _member_and_pair(update, context)
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
    member, pair, _ = await _member_and_pair(update, context)
    if member is None or pair is None or pair.status != "introduced":
        await answer_expired_press(update, context)
        return None
    await update.callback_query.answer()
    return member, pair


async def fit_button(update: Update, context: BotContext) -> None:
    """Good / Not sure yet / Not a fit: private; 'not a fit' offers a no-fault rematch."""
    query = update.callback_query
    assert query is not None
    member, pair, parts = await _member_and_pair(update, context)
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
    pressed = await _pressed(update, context)
    if pressed is None:
        return
    member, pair, parts = pressed
    if parts[3:] == ["yes"]:
        await closure.rematch(context.services, pair.id, member)
    else:
        await reply(update, context, context.services.t(member.language, "pair.rematch_kept"))


def _end_buttons(context: BotContext, language: str, pair: pairs.Pair) -> list[list[Button]]:
    """Reason buttons (all optional in spirit: 'rather not say' is one) and [Keep going]."""
    t, sign = context.services.t, context.services.signer.sign
    rows: list[list[Button]] = [
        [(t(language, f"pair.end_reason_{reason}"), sign("pair", "end", pair.id, reason))]
        for reason in END_REASONS
    ]
    return [*rows, [(t(language, "pair.end_keep"), sign("pair", "keep", pair.id))]]


async def end_command(update: Update, context: BotContext) -> None:
    """/end: ask which pair (a mentor may have several), then confirm with optional reasons."""
    member = await current_member(update, context)
    services = context.services
    language = (
        member.language
        if member
        else services.t.language_for(
            update.effective_user.language_code if update.effective_user else None
        )
    )
    current = await pairs.current_pairs_of(services.db, member.id) if member else []
    if member is None or not current:
        await reply(update, context, services.t(language, "pair.end_none"))
        return
    if len(current) > 1:
        buttons = [
            [
                (
                    services.t(
                        language,
                        "pair.end_with",
                        partner=await _partner_alias(context, pair, member),
                    ),
                    services.signer.sign("pair", "endpick", pair.id),
                )
            ]
            for pair in current
        ]
        await reply(update, context, services.t(language, "pair.end_pick"), buttons)
        return
    pair = current[0]
    await reply(
        update,
        context,
        services.t(
            language, "pair.end_confirm", partner=await _partner_alias(context, pair, member)
        ),
        _end_buttons(context, language, pair),
    )


async def end_pick_button(update: Update, context: BotContext) -> None:
    """A mentor picked which pair to end: confirm it."""
    pressed = await _pressed(update, context)
    if pressed is None:
        return
    member, pair, _ = pressed
    await reply(
        update,
        context,
        context.services.t(
            member.language, "pair.end_confirm", partner=await _partner_alias(context, pair, member)
        ),
        _end_buttons(context, member.language, pair),
    )


async def end_button(update: Update, context: BotContext) -> None:
    """A reason was chosen: end the pair (closing words and survey come through the outbox)."""
    query = update.callback_query
    assert query is not None
    member, pair, parts = await _member_and_pair(update, context)
    reason = parts[3] if len(parts) > 3 else ""
    if member is None or pair is None or pair.status == "ended" or reason not in END_REASONS:
        await answer_expired_press(update, context)
        return
    role = pair.role_of(member.id)
    assert role is not None
    label = context.services.t(
        context.services.settings.default_language, f"pair.end_reason_{reason}"
    )
    closed = await closure.close_pair(context.services, pair.id, reason=label, ended_by=role)
    if closed is None:
        await answer_expired_press(update, context)
        return
    await query.answer()
    await drop_buttons(query)


async def keep_button(update: Update, context: BotContext) -> None:
    """[Keep going]: nothing changes."""
    pressed = await _pressed(update, context, open_only=False)
    if pressed is None:
        return
    member = pressed[0]
    await reply(update, context, context.services.t(member.language, "pair.end_kept"))


async def survey_button(update: Update, context: BotContext) -> None:
    """One exit-survey answer: the same message turns into the next question."""
    query = update.callback_query
    assert query is not None
    member, pair, parts = await _member_and_pair(update, context)
    if member is None or pair is None:
        await answer_expired_press(update, context)
        return
    outcome, text, buttons = await closure.answer_survey(
        context.services, pair.id, member, int(parts[3]), parts[4]
    )
    if outcome == "stale" or text is None:
        await answer_expired_press(update, context)
        return
    await query.answer()
    await edit_pressed(context, query, text, buttons)


def handlers(wiring: Wiring) -> Handlers:
    """Every member-side pair handler."""
    return [
        CommandHandler("end", end_command, filters.ChatType.PRIVATE),
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
        CallbackQueryHandler(end_pick_button, pattern=shape("pair", "endpick", NUMBER)),
        CallbackQueryHandler(
            end_button, pattern=shape("pair", "end", NUMBER, choice(*END_REASONS))
        ),
        CallbackQueryHandler(keep_button, pattern=shape("pair", "keep", NUMBER)),
        # pair:sv:<pair>:<question>:<answer, or x to skip> (bot/programme/closure.survey_step).
        CallbackQueryHandler(
            survey_button, pattern=shape("pair", "sv", NUMBER, NUMBER, "[a-z0-9]+")
        ),
    ]
