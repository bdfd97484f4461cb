"""Coordinator console for suggestions: /pending, /suggest and [Approve] [Skip] [Alternatives].

Only in the coordinators' group (the gate refuses these commands and every "co:" button
elsewhere). Coordinator texts use DEFAULT_LANGUAGE. /pair, /pairs, /unpair: handlers/pair_console.py.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.core import words
from bot.core.callbacks import NUMBER, payload_parts, shape
from bot.core.i18n import Html
from bot.programme import pairing, proposals
from bot.services import BotContext
from handlers._common import Button, reply
from handlers._coordinators import actor_of, coordinator_commands, coordinator_language
from handlers._edits import edit_pressed, remove_buttons
from storage import members, suggestions

if TYPE_CHECKING:  # annotations only
    from handlers._common import Handlers, Wiring

coordinator_commands("pending", "suggest")
LIST_LIMIT = 30  # lines per list (/pending, /suggest, /pairs)


async def pending_command(update: Update, context: BotContext) -> None:
    """/pending: waiting mentees, and mentors awaiting approval."""
    services, language = context.services, coordinator_language(context)
    t, now = services.t, services.clock.now()
    waiting = await suggestions.waiting_mentees(services.db)
    lines: list[str] = [t(language, "matching.pending_title", count=len(waiting))]
    for mentee in waiting[:LIST_LIMIT]:
        lines.append(
            t(
                language,
                "matching.pending_mentee",
                code=mentee.code,
                alias=mentee.alias or "-",
                days=words.days(
                    language,
                    pairing.days_since(mentee.intake_done_at or mentee.consented_at, now) or 0,
                ),
                languages=words.listing(
                    language,
                    [
                        words.language_name(language, code)
                        for code in sorted(proposals.languages_of(mentee))
                    ],
                ),
                focus=", ".join(
                    [
                        services.content.intake.label("focus_areas", area, language).lower()
                        for area in mentee.focus_areas
                    ]
                )
                or "-",
            )
        )
    if not waiting:
        lines.append(t(language, "matching.pending_none"))
    if len(waiting) > LIST_LIMIT:
        lines.append(t(language, "matching.pending_more", count=len(waiting) - LIST_LIMIT))
    mentors = await suggestions.awaiting_approval(services.db)
    lines += ["", t(language, "matching.pending_mentors_title", count=len(mentors))]
    for mentor in mentors[:LIST_LIMIT]:
        lines.append(
            t(
                language,
                "matching.pending_mentor",
                code=mentor.code,
                alias=mentor.alias or "-",
                status=t(language, f"console.status_{mentor.status}"),
            )
        )
    if len(mentors) > LIST_LIMIT:
        lines.append(t(language, "matching.pending_more", count=len(mentors) - LIST_LIMIT))
    await reply(update, context, "\n".join(lines))


def _proposal_buttons(
    context: BotContext, suggestion_id: int, with_alternatives: bool
) -> list[list[tuple[str, str]]]:
    """[Approve] [Skip] [Alternatives]."""
    t, sign, language = (
        context.services.t,
        context.services.signer.sign,
        coordinator_language(context),
    )
    row: list[Button] = [
        (t(language, "matching.approve"), sign("co", "ok", suggestion_id)),
        (t(language, "matching.skip"), sign("co", "skip", suggestion_id)),
    ]
    if with_alternatives:
        row.append((t(language, "matching.alternatives"), sign("co", "alt", suggestion_id)))
    return [row]


async def _suggestion_text(context: BotContext, suggestion: suggestions.Suggestion) -> Html:
    """A proposal (rank 0) or an alternative, rendered from the stored row."""
    services, language = context.services, coordinator_language(context)
    mentee = await members.get_by_id(services.db, suggestion.mentee_id)
    mentor = await members.get_by_id(services.db, suggestion.mentor_id)
    key = "matching.proposal" if suggestion.rank == 0 else "matching.alternative"
    return services.t(
        language,
        key,
        rank=suggestion.rank,
        mentee=mentee.code if mentee else "?",
        mentee_alias=mentee.alias or "-" if mentee else "-",
        mentor=mentor.code if mentor else "?",
        mentor_alias=mentor.alias or "-" if mentor else "-",
        score=f"{suggestion.score:.0f}",
        max=proposals.max_score(context.services),
        reasons=Html(suggestion.reasons),
    )


async def suggest_command(update: Update, context: BotContext) -> None:
    """/suggest: plan the whole waiting list and post the first proposals with buttons."""
    services, language = context.services, coordinator_language(context)
    posted, waiting, planned, left_out = await proposals.suggest(services)
    t = services.t
    lines = [
        t(
            language,
            "matching.left_out_line",
            code=item.mentee.code,
            alias=item.mentee.alias or "-",
            why=Html(item.why),
        )
        for item in left_out[:LIST_LIMIT]
    ]
    if len(left_out) > LIST_LIMIT:
        lines.append(t(language, "matching.pending_more", count=len(left_out) - LIST_LIMIT))
    why = "\n".join(["", t(language, "matching.left_out_title", count=len(left_out)), *lines])
    if not posted:
        await reply(update, context, t(language, "matching.suggest_none") + (why if lines else ""))
        return
    await reply(
        update,
        context,
        t(language, "matching.suggest_header", shown=len(posted), planned=planned, waiting=waiting)
        + (why if lines else ""),
    )
    for item in posted:
        suggestion = await suggestions.get(services.db, item.suggestion_id)
        assert suggestion is not None
        await reply(
            update,
            context,
            await _suggestion_text(context, suggestion),
            _proposal_buttons(context, item.suggestion_id, with_alternatives=True),
        )


async def _note(update: Update, context: BotContext, suggestion_id: int, note: str) -> None:
    """Replace a proposal's buttons with what happened to it."""
    query = update.callback_query
    assert query is not None
    message = query.message
    if message is None or not getattr(message, "reply_markup", None):
        return  # already annotated (a press from a screen that had not refreshed yet)
    suggestion = await suggestions.get(context.services.db, suggestion_id)
    if suggestion is None:
        await remove_buttons(query)
        return
    text = await _suggestion_text(context, suggestion)
    await edit_pressed(context, query, f"{text}\n\n{note}", None)


async def approve_button(update: Update, context: BotContext) -> None:
    """[Approve]: pair them, exactly once, unless the suggestion went stale."""
    query = update.callback_query
    assert query is not None
    services, language = context.services, coordinator_language(context)
    suggestion_id = int(payload_parts(query.data)[2])
    outcome = await pairing.approve_suggestion(services, suggestion_id, actor_of(update))
    t = services.t
    if outcome.problem == "already_approved":
        await query.answer(
            t(language, "matching.already_approved", name=outcome.decided_by or "?"),
            show_alert=True,
        )
        return
    if outcome.problem is not None:
        why = proposals.problem_text(context.services, outcome.problem)
        await query.answer(t(language, "matching.stale_note", why=why), show_alert=True)
        await _note(update, context, suggestion_id, t(language, "matching.stale_note", why=why))
        return
    assert outcome.pair is not None
    await query.answer()
    await _note(
        update,
        context,
        suggestion_id,
        t(language, "matching.approved_note", name=actor_of(update).name, pair=outcome.pair.code),
    )


async def skip_button(update: Update, context: BotContext) -> None:
    """[Skip]: not this pair (it is not proposed again)."""
    query = update.callback_query
    assert query is not None
    services, language = context.services, coordinator_language(context)
    suggestion_id = int(payload_parts(query.data)[2])
    if not await pairing.skip_suggestion(services, suggestion_id, actor_of(update)):
        suggestion = await suggestions.get(services.db, suggestion_id)
        problem = f"suggestion_{suggestion.status}" if suggestion else "gone"
        if suggestion is not None and suggestion.status == "approved":
            await query.answer(
                services.t(
                    language, "matching.already_approved", name=suggestion.decided_by_name or "?"
                ),
                show_alert=True,
            )
            return
        await query.answer(
            services.t(
                language,
                "matching.stale_note",
                why=proposals.problem_text(context.services, problem),
            ),
            show_alert=True,
        )
        return
    await query.answer()
    await _note(
        update,
        context,
        suggestion_id,
        services.t(language, "matching.skipped_note", name=actor_of(update).name),
    )


async def alternatives_button(update: Update, context: BotContext) -> None:
    """[Alternatives]: post the next two mentors for this mentee, each with its own buttons."""
    query = update.callback_query
    assert query is not None
    services, language = context.services, coordinator_language(context)
    suggestion = await suggestions.get(services.db, int(payload_parts(query.data)[2]))
    await query.answer()
    others = await suggestions.alternatives_of(services.db, suggestion) if suggestion else []
    if not others:
        await reply(update, context, services.t(language, "matching.no_alternatives"))
        return
    for other in others:
        await reply(
            update,
            context,
            await _suggestion_text(context, other),
            _proposal_buttons(context, other.id, with_alternatives=False),
        )


def handlers(wiring: Wiring) -> Handlers:
    """/pending, /suggest and the proposal buttons, limited to the coordinators' group."""
    group = wiring.coordinators
    return [
        CommandHandler("pending", pending_command, group),
        CommandHandler("suggest", suggest_command, group),
        CallbackQueryHandler(approve_button, pattern=shape("co", "ok", NUMBER)),
        CallbackQueryHandler(skip_button, pattern=shape("co", "skip", NUMBER)),
        CallbackQueryHandler(alternatives_button, pattern=shape("co", "alt", NUMBER)),
    ]
