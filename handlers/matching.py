"""Coordinator console for matching: /pending, /suggest, /pair, /pairs, /unpair and their buttons.

Only in the coordinators' group (the gate refuses these commands and every "co:" button
elsewhere). Coordinator texts use DEFAULT_LANGUAGE.
"""

from __future__ import annotations

from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from bot import closure, pairing
from bot.callbacks import payload_parts
from bot.clock import from_db
from bot.i18n import Html
from bot.pairing import Actor
from bot.services import BotContext
from handlers import access
from handlers._common import reply
from storage import members, pairs, suggestions
from storage.members import Member

access.coordinator_commands("pending", "suggest", "pair", "pairs", "unpair")
LIST_LIMIT = 30


def _actor(update: Update) -> Actor:
    """Who pressed or typed (a Telegram user id and first name, for audit and notes)."""
    user = update.effective_user
    return Actor(user.id if user else 0, user.first_name if user else "?")


def _lang(context: BotContext) -> str:
    return context.services.settings.default_language


def _max(context: BotContext) -> str:
    return f"{context.services.content.matching.weights.total:g}"


async def pending_command(update: Update, context: BotContext) -> None:
    """/pending: waiting mentees, and mentors awaiting approval."""
    services, language = context.services, _lang(context)
    t, now = services.t, services.clock.now()
    waiting = await suggestions.waiting_mentees(services.db)
    lines = [t(language, "matching.pending_title", count=len(waiting))]
    for mentee in waiting[:LIST_LIMIT]:
        lines.append(t(
            language, "matching.pending_mentee", code=mentee.code, alias=mentee.alias or "-",
            days=pairing.days_since(mentee.intake_done_at or mentee.consented_at, now) or 0,
            languages=", ".join(sorted(pairing.languages_of(mentee))),
            focus=", ".join(area.replace("_", " ") for area in mentee.focus_areas) or "-",
        ))
    if not waiting:
        lines.append(t(language, "matching.pending_none"))
    if len(waiting) > LIST_LIMIT:
        lines.append(t(language, "matching.pending_more", count=len(waiting) - LIST_LIMIT))
    mentors = await suggestions.awaiting_approval(services.db)
    lines += ["", t(language, "matching.pending_mentors_title", count=len(mentors))]
    for mentor in mentors[:LIST_LIMIT]:
        lines.append(t(language, "matching.pending_mentor", code=mentor.code,
                       alias=mentor.alias or "-", status=mentor.status))
    if len(mentors) > LIST_LIMIT:
        lines.append(t(language, "matching.pending_more", count=len(mentors) - LIST_LIMIT))
    await reply(update, context, "\n".join(lines))


def _proposal_buttons(context: BotContext, suggestion_id: int, with_alternatives: bool
                      ) -> list[list[tuple[str, str]]]:
    """[Approve] [Skip] [Alternatives]."""
    t, sign, language = context.services.t, context.services.signer.sign, _lang(context)
    row = [(t(language, "matching.approve"), sign("co", "ok", suggestion_id)),
           (t(language, "matching.skip"), sign("co", "skip", suggestion_id))]
    if with_alternatives:
        row.append((t(language, "matching.alternatives"), sign("co", "alt", suggestion_id)))
    return [row]


async def _suggestion_text(context: BotContext, suggestion: suggestions.Suggestion) -> Html:
    """A proposal (rank 0) or an alternative, rendered from the stored row."""
    services, language = context.services, _lang(context)
    mentee = await members.get_by_id(services.db, suggestion.mentee_id)
    mentor = await members.get_by_id(services.db, suggestion.mentor_id)
    key = "matching.proposal" if suggestion.rank == 0 else "matching.alternative"
    return services.t(
        language, key, rank=suggestion.rank,
        mentee=mentee.code if mentee else "?", mentee_alias=mentee.alias or "-" if mentee else "-",
        mentor=mentor.code if mentor else "?", mentor_alias=mentor.alias or "-" if mentor else "-",
        score=f"{suggestion.score:.0f}", max=_max(context), reasons=Html(suggestion.reasons),
    )


async def suggest_command(update: Update, context: BotContext) -> None:
    """/suggest: plan the whole waiting list and post the first proposals with buttons."""
    services, language = context.services, _lang(context)
    posted, waiting, planned = await pairing.suggest(services)
    if not posted:
        await reply(update, context, services.t(language, "matching.suggest_none"))
        return
    await reply(update, context, services.t(language, "matching.suggest_header", shown=len(posted),
                                            planned=planned, waiting=waiting))
    for item in posted:
        suggestion = await suggestions.get(services.db, item.suggestion_id)
        assert suggestion is not None
        await reply(update, context, await _suggestion_text(context, suggestion),
                    _proposal_buttons(context, item.suggestion_id, with_alternatives=True))


async def _note(update: Update, context: BotContext, suggestion_id: int, note: str) -> None:
    """Replace a proposal's buttons with what happened to it."""
    query = update.callback_query
    assert query is not None
    suggestion = await suggestions.get(context.services.db, suggestion_id)
    if suggestion is None:
        await query.edit_message_reply_markup(reply_markup=None)
        return
    text = await _suggestion_text(context, suggestion)
    await query.edit_message_text(f"{text}\n\n{note}", parse_mode=ParseMode.HTML,
                                  reply_markup=None)


def _why(context: BotContext, problem: str) -> Html:
    return context.services.t(_lang(context), f"matching.problem_{problem}")


async def approve_button(update: Update, context: BotContext) -> None:
    """[Approve]: pair them, exactly once, unless the suggestion went stale."""
    query = update.callback_query
    assert query is not None
    services, language = context.services, _lang(context)
    suggestion_id = int(payload_parts(query.data)[2])
    outcome = await pairing.approve_suggestion(services, suggestion_id, _actor(update))
    t = services.t
    if outcome.problem == "already_approved":
        await query.answer(t(language, "matching.already_approved", name=outcome.decided_by or "?"),
                           show_alert=True)
        return
    if outcome.problem is not None:
        why = _why(context, outcome.problem)
        await query.answer(t(language, "matching.stale_note", why=why), show_alert=True)
        await _note(update, context, suggestion_id, t(language, "matching.stale_note", why=why))
        return
    assert outcome.pair is not None
    await query.answer()
    await _note(update, context, suggestion_id, t(language, "matching.approved_note",
                                                  name=_actor(update).name, pair=outcome.pair.code))


async def skip_button(update: Update, context: BotContext) -> None:
    """[Skip]: not this pair (it is not proposed again)."""
    query = update.callback_query
    assert query is not None
    services, language = context.services, _lang(context)
    suggestion_id = int(payload_parts(query.data)[2])
    if not await pairing.skip_suggestion(services, suggestion_id, _actor(update)):
        suggestion = await suggestions.get(services.db, suggestion_id)
        problem = f"suggestion_{suggestion.status}" if suggestion else "gone"
        if suggestion is not None and suggestion.status == "approved":
            await query.answer(services.t(language, "matching.already_approved",
                                          name=suggestion.decided_by_name or "?"), show_alert=True)
            return
        await query.answer(services.t(language, "matching.stale_note",
                                      why=_why(context, problem)), show_alert=True)
        return
    await query.answer()
    await _note(update, context, suggestion_id,
                services.t(language, "matching.skipped_note", name=_actor(update).name))


async def alternatives_button(update: Update, context: BotContext) -> None:
    """[Alternatives]: post the next two mentors for this mentee, each with its own buttons."""
    query = update.callback_query
    assert query is not None
    services, language = context.services, _lang(context)
    suggestion = await suggestions.get(services.db, int(payload_parts(query.data)[2]))
    await query.answer()
    others = await suggestions.alternatives_of(services.db, suggestion) if suggestion else []
    if not others:
        await reply(update, context, services.t(language, "matching.no_alternatives"))
        return
    for other in others:
        await reply(update, context, await _suggestion_text(context, other),
                    _proposal_buttons(context, other.id, with_alternatives=False))


async def _lookup(update: Update, context: BotContext, code: str) -> Member | None:
    """A member by code, or a clear 'no such code' reply."""
    member = await members.get_by_code(context.services.db, code)
    if member is None:
        await reply(update, context, context.services.t(_lang(context), "matching.unknown_code",
                                                        code=code.upper()))
    return member


async def pair_command(update: Update, context: BotContext) -> None:
    """/pair MENTEE MENTOR: pair by hand; a broken hard constraint needs a second confirmation."""
    services, language, t = context.services, _lang(context), context.services.t
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
        await reply(update, context, t(language, "matching.pair_refused", mentee=mentee.code,
                                       mentor=mentor.code, why=_why(context, refusal)))
        return
    assessment = await pairing.assess_members(services, mentee, mentor)
    if assessment.broken:
        sign = services.signer.sign
        await reply(
            update, context,
            t(language, "matching.pair_warning", mentee=mentee.code, mentor=mentor.code,
              broken=pairing.render_broken(t, language, assessment.broken),
              score=f"{assessment.score:.0f}", max=_max(context)),
            [[(t(language, "matching.pair_anyway"), sign("co", "force", mentee.code, mentor.code)),
              (t(language, "matching.cancel"), sign("co", "cancel"))]],
        )
        return
    await _make_pair(update, context, mentee, mentor, forced=False)


async def _make_pair(update: Update, context: BotContext, mentee: Member, mentor: Member, *,
                     forced: bool) -> None:
    """Create the pair (re-checked in one transaction) and say what happened."""
    services, language, t = context.services, _lang(context), context.services.t
    outcome = await pairing.pair_by_hand(services, mentee.id, mentor.id, _actor(update),
                                         forced=forced)
    if outcome.pair is None:
        await reply(update, context, t(language, "matching.pair_refused", mentee=mentee.code,
                                       mentor=mentor.code, why=_why(context, outcome.problem or "")))
        return
    await reply(update, context, t(language, "matching.paired", mentee=mentee.code,
                                   mentor=mentor.code, pair=outcome.pair.code))


async def force_button(update: Update, context: BotContext) -> None:
    """[Pair anyway]: the second confirmation of a /pair that breaks a hard constraint."""
    query = update.callback_query
    assert query is not None
    await query.answer()
    await query.edit_message_reply_markup(reply_markup=None)
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
    await query.edit_message_reply_markup(reply_markup=None)
    await reply(update, context, context.services.t(_lang(context), "matching.cancelled"))


async def pairs_command(update: Update, context: BotContext) -> None:
    """/pairs: current pairs with their last contact."""
    services, language, t = context.services, _lang(context), context.services.t
    now = services.clock.now()
    current = await pairs.all_current(services.db)
    if not current:
        await reply(update, context, t(language, "matching.pairs_none"))
        return
    lines = [t(language, "matching.pairs_title", count=len(current))]
    for pair in current[:LIST_LIMIT]:
        mentee = await members.get_by_id(services.db, pair.mentee_id or 0)
        mentor = await members.get_by_id(services.db, pair.mentor_id or 0)
        contact = pairing.days_since(pair.last_contact_at, now)
        since = from_db(pair.started_at or pair.created_at)
        lines.append(t(
            language, "matching.pairs_line", pair=pair.code,
            mentee=mentee.code if mentee else "-", mentee_alias=(mentee.alias if mentee else "") or "",
            mentor=mentor.code if mentor else "-", mentor_alias=(mentor.alias if mentor else "") or "",
            status=t(language, f"matching.status_{pair.status}"),
            since=since.strftime("%Y-%m-%d") if since else "-",
            contact=t(language, "matching.never") if contact is None
            else t(language, "matching.days_ago", days=contact),
        ))
    if len(current) > LIST_LIMIT:
        lines.append(t(language, "matching.pending_more", count=len(current) - LIST_LIMIT))
    await reply(update, context, "\n".join(lines))


async def unpair_command(update: Update, context: BotContext) -> None:
    """/unpair CODE REASON: end a pair (pair code, or the code of a member in one pair)."""
    services, language, t = context.services, _lang(context), context.services.t
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
            await reply(update, context, t(language, "matching.unpair_several", code=code,
                                           pairs=", ".join(p.code for p in current)))
            return
        pair = current[0] if current else None
    if pair is None:
        await reply(update, context, t(language, "matching.unpair_unknown", code=code))
        return
    closed = await closure.close_pair(services, pair.id, reason=reason, ended_by="coordinator",
                                      actor=_actor(update))
    if closed is None:
        await reply(update, context, t(language, "matching.unpair_unknown", code=code))
        return
    await reply(update, context, t(language, "matching.unpaired", pair=closed.code))


def handlers(coordinator_chat_id: int) -> list[BaseHandler]:  # type: ignore[type-arg]
    """Every coordinator matching handler, limited to the coordinators' group."""
    group = filters.Chat(coordinator_chat_id)
    return [
        CommandHandler("pending", pending_command, group),
        CommandHandler("suggest", suggest_command, group),
        CommandHandler("pair", pair_command, group),
        CommandHandler("pairs", pairs_command, group),
        CommandHandler("unpair", unpair_command, group),
        CallbackQueryHandler(approve_button, pattern=r"^co:ok:"),
        CallbackQueryHandler(skip_button, pattern=r"^co:skip:"),
        CallbackQueryHandler(alternatives_button, pattern=r"^co:alt:"),
        CallbackQueryHandler(force_button, pattern=r"^co:force:"),
        CallbackQueryHandler(cancel_button, pattern=r"^co:cancel"),
    ]
