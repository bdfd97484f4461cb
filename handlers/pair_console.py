"""Coordinator console for pairs: /pair MENTEE MENTOR (with a second confirmation when a hard
constraint is broken), /pairs and /unpair CODE REASON. Coordinators' group only."""

from __future__ import annotations

from typing import TYPE_CHECKING

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.core import words
from bot.core.callbacks import CODE, payload_parts, shape
from bot.core.clock import from_db
from bot.programme import closure, pairing, proposals
from bot.programme.left_out import render_broken
from bot.services import BotContext
from handlers._common import reply
from handlers._coordinators import actor_of, coordinator_commands, coordinator_language
from handlers._edits import drop_buttons
from storage import members, pairs
from storage.members import Member

if TYPE_CHECKING:  # annotations only
    from handlers._common import Handlers, Wiring

coordinator_commands("pair", "pairs", "unpair")
PAGE = 30  # pairs listed by /pairs, like the /pending and /suggest lists


async def _lookup(update: Update, context: BotContext, code: str) -> Member | None:
    """A member by code, or a clear 'no such code' reply."""
    member = await members.get_by_code(context.services.db, code)
    if member is None:
        await reply(
            update,
            context,
            context.services.t(
                coordinator_language(context), "matching.unknown_code", code=code.upper()
            ),
        )
    return member


async def pair_command(update: Update, context: BotContext) -> None:
    """/pair MENTEE MENTOR: pair by hand; a broken hard constraint needs a second confirmation."""
    services, language, t = context.services, coordinator_language(context), context.services.t
    args = context.args or []
    if len(args) != 2:
        await reply(update, context, t(language, "matching.pair_usage"))
        return
    mentee = await _lookup(update, context, args[0])
    mentor = await _lookup(update, context, args[1]) if mentee else None
    if mentee is None or mentor is None:
        return
    refusal = None
    if mentee.role != "mentee":
        refusal = "not_mentee"
    elif mentor.role != "mentor":
        refusal = "not_mentor"
    elif await pairs.current_pairs_of(services.db, mentee.id):
        refusal = "mentee_paired"
    elif len(await pairs.current_pairs_of(services.db, mentor.id)) >= mentor.capacity:
        refusal = "mentor_full"
    if refusal:
        await reply(
            update,
            context,
            t(
                language,
                "matching.pair_refused",
                mentee=mentee.code,
                mentor=mentor.code,
                why=proposals.problem_text(context.services, refusal),
            ),
        )
        return
    assessment = await proposals.assess_members(services, mentee, mentor)
    if assessment.broken:
        sign = services.signer.sign
        await reply(
            update,
            context,
            t(
                language,
                "matching.pair_warning",
                mentee=mentee.code,
                mentor=mentor.code,
                broken=render_broken(
                    t, language, assessment.broken, mentee.preferences, services.content.intake
                ),
                score=f"{assessment.score:.0f}",
                max=proposals.max_score(context.services),
            ),
            [
                [
                    (
                        t(language, "matching.pair_anyway"),
                        sign("co", "force", mentee.code, mentor.code),
                    ),
                    (t(language, "matching.cancel"), sign("co", "cancel")),
                ]
            ],
        )
        return
    await _make_pair(update, context, mentee, mentor, forced=False)


async def _make_pair(
    update: Update, context: BotContext, mentee: Member, mentor: Member, *, forced: bool
) -> None:
    """Create the pair (re-checked in one transaction) and say what happened."""
    services, language, t = context.services, coordinator_language(context), context.services.t
    outcome = await pairing.pair_by_hand(
        services, mentee.id, mentor.id, actor_of(update), forced=forced
    )
    if outcome.pair is None:
        why = proposals.problem_text(services, outcome.problem or "")
        await reply(
            update,
            context,
            t(language, "matching.pair_refused", mentee=mentee.code, mentor=mentor.code, why=why),
        )
        return
    await reply(
        update,
        context,
        t(
            language,
            "matching.paired",
            mentee=mentee.code,
            mentor=mentor.code,
            pair=outcome.pair.code,
        ),
    )


async def force_button(update: Update, context: BotContext) -> None:
    """[Pair anyway]: the second confirmation of a /pair that breaks a hard constraint."""
    query = update.callback_query
    assert query is not None
    await query.answer()
    await drop_buttons(query)
    _, _, mentee_code, mentor_code = payload_parts(query.data)
    mentee = await _lookup(update, context, mentee_code)
    mentor = await _lookup(update, context, mentor_code) if mentee else None
    if mentee is not None and mentor is not None:
        await _make_pair(update, context, mentee, mentor, forced=True)


async def cancel_button(update: Update, context: BotContext) -> None:
    """[Cancel] on a /pair warning."""
    query = update.callback_query
    assert query is not None
    await query.answer()
    await drop_buttons(query)
    await reply(
        update, context, context.services.t(coordinator_language(context), "matching.cancelled")
    )


async def pairs_command(update: Update, context: BotContext) -> None:
    """/pairs: current pairs with their last contact."""
    services, language, t = context.services, coordinator_language(context), context.services.t
    now = services.clock.now()
    count, current = await pairs.current_page(services.db, PAGE)
    if not current:
        await reply(update, context, t(language, "matching.pairs_none"))
        return
    lines = [t(language, "matching.pairs_title", count=count)]
    for pair in current:
        mentee = await members.get_by_id(services.db, pair.mentee_id or 0)
        mentor = await members.get_by_id(services.db, pair.mentor_id or 0)
        contact = pairing.days_since(pair.last_contact_at, now)
        since = from_db(pair.started_at or pair.created_at)
        lines.append(
            t(
                language,
                "matching.pairs_line",
                pair=pair.code,
                mentee=mentee.code if mentee else "-",
                mentee_alias=(mentee.alias if mentee else "") or "",
                mentor=mentor.code if mentor else "-",
                mentor_alias=(mentor.alias if mentor else "") or "",
                status=t(language, "matching.status_paused")
                if any(m is not None and m.suspended_at for m in (mentee, mentor))
                else t(language, f"matching.status_{pair.status}"),
                since=since.strftime("%Y-%m-%d") if since else "-",
                contact=t(language, "matching.never")
                if contact is None
                else words.ago(language, from_db(pair.last_contact_at) or now, now),
            )
        )
    if count > len(current):
        lines.append(t(language, "matching.pending_more", count=count - len(current)))
    await reply(update, context, "\n".join(lines))


async def unpair_command(update: Update, context: BotContext) -> None:
    """/unpair CODE REASON: end a pair (pair code, or the code of a member in one pair)."""
    services, language, t = context.services, coordinator_language(context), context.services.t
    args = context.args or []
    if len(args) < 2:
        await reply(update, context, t(language, "matching.unpair_usage"))
        return
    code, reason = args[0].upper(), " ".join(args[1:])
    pair = await pairs.get_by_code(services.db, code)
    if pair is None or pair.status == "ended":
        member = await members.get_by_code(services.db, code)
        current = await pairs.current_pairs_of(services.db, member.id) if member else []
        if len(current) > 1:
            await reply(
                update,
                context,
                t(
                    language,
                    "matching.unpair_several",
                    code=code,
                    pairs=", ".join(p.code for p in current),
                ),
            )
            return
        pair = current[0] if current else None
    if pair is None:
        await reply(update, context, t(language, "matching.unpair_unknown", code=code))
        return
    closed = await closure.close_pair(
        services, pair.id, reason=reason, ended_by="coordinator", actor=actor_of(update)
    )
    if closed is None:
        await reply(update, context, t(language, "matching.unpair_unknown", code=code))
        return
    await reply(update, context, t(language, "matching.unpaired", pair=closed.code))


def handlers(wiring: Wiring) -> Handlers:
    """/pair, /pairs, /unpair and the /pair confirmation buttons, coordinators' group only."""
    group = wiring.coordinators
    return [
        CommandHandler("pair", pair_command, group),
        CommandHandler("pairs", pairs_command, group),
        CommandHandler("unpair", unpair_command, group),
        CallbackQueryHandler(force_button, pattern=shape("co", "force", CODE, CODE)),
        CallbackQueryHandler(cancel_button, pattern=shape("co", "cancel")),
    ]
