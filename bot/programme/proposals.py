"""Proposals: who can be matched (profiles from members), reasons as text, and /suggest.

Turns storage rows into matching's pure Mentee/Mentor views, runs the whole-list plan in a
worker thread, and stores the first batch of proposals (with alternatives) for the buttons.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from bot.core import words
from bot.core.clock import from_db
from bot.core.i18n import Html, Translator
from bot.core.schedule import is_paused
from bot.programme.assignment import plan
from bot.programme.left_out import why_left_out
from bot.programme.match_reasons import assess
from bot.programme.matching import Assessment, Mentee, Mentor, Reason
from storage import pairs, suggestions
from storage.members import Member

if TYPE_CHECKING:
    from bot.services import Services


def max_score(services: Services) -> str:
    """The best possible matching score, as shown after "score N/"."""
    return f"{services.content.matching.weights.total:g}"


def problem_text(services: Services, problem: str) -> Html:
    """Why a pairing was refused, in the coordinators' language."""
    return services.t(services.settings.default_language, f"matching.problem_{problem}")


def languages_of(member: Member) -> frozenset[str]:
    """Languages someone can talk in: what they listed, else their bot language."""
    return frozenset(member.languages_spoken) or frozenset({member.language})


def mentee_profile(member: Member, past: set[int] | frozenset[int] = frozenset()) -> Mentee:
    """Matching's view of a mentee."""
    return Mentee(
        id=member.id,
        code=member.code,
        languages=languages_of(member),
        focus_areas=frozenset(member.focus_areas),
        age_band=member.age_band,
        timezone=member.timezone,
        checkin_time=member.checkin_time,
        wishes={str(k): str(v) for k, v in member.preferences.items() if v is not None},
        waiting_since=from_db(member.intake_done_at or member.consented_at),
        past_mentors=frozenset(past),
    )


def mentor_profile(member: Member, load: int, now: datetime) -> Mentor:
    """Matching's view of a mentor (load = their current pairs)."""
    return Mentor(
        id=member.id,
        code=member.code,
        languages=languages_of(member),
        lived_experience=frozenset(member.lived_experience),
        age_band=member.age_band,
        timezone=member.timezone,
        quiet_start=member.quiet_start,
        quiet_end=member.quiet_end,
        attributes={str(k): str(v) for k, v in member.preferences.items() if v is not None},
        approved=member.approved_at is not None and member.status in ("waiting", "active"),
        trained=member.trained_at is not None,
        stepped_back=member.stepped_back,
        paused=is_paused(now, member.paused_until),
        unreachable=member.unreachable,
        suspended=member.suspended_at is not None,
        free_slots=member.capacity - load,
    )


def render_reasons(t: Translator, language: str, reasons: Sequence[Reason]) -> Html:
    """'both: grief, anxiety · speak: en · 1 h apart'."""

    def params(reason: Reason) -> dict[str, str]:
        if reason.key == "waiting":  # a number of days from the pure scorer: in words here
            return {"days": words.days(language, int(reason.params["days"]))}
        return dict(reason.params)

    return Html(" · ".join(t(language, f"matching.reason_{r.key}", **params(r)) for r in reasons))


async def assess_members(services: Services, mentee: Member, mentor: Member) -> Assessment:
    """Score, broken constraints and reasons for two members as they are now."""
    now = services.clock.now()
    load = len(await pairs.current_pairs_of(services.db, mentor.id))
    past = {mentor.id} if await pairs.ever_paired(services.db, mentee.id, mentor.id) else set()
    return assess(
        mentee_profile(mentee, past),
        mentor_profile(mentor, load, now),
        services.content.matching,
        now,
    )


@dataclass(frozen=True)
class Posted:
    """A proposal stored for /suggest, with its alternatives."""

    suggestion_id: int
    mentee: Member
    mentor: Member
    score: float
    reasons: Html
    alternatives: int


@dataclass(frozen=True)
class LeftOut:
    """A waiting mentee with no proposal this round, and why, in words."""

    mentee: Member
    why: str


async def suggest(services: Services) -> tuple[list[Posted], int, int, list[LeftOut]]:
    """Plan the whole waiting list; store and return the first batch (longest waiting first).

    Returns (proposals, how many waiting mentees, how many proposals the plan holds, and the
    waiting mentees left out with the reason).
    """
    db, now, config = services.db, services.clock.now(), services.content.matching
    waiting = await suggestions.waiting_mentees(db)
    all_mentors = await suggestions.mentors(db)
    loads = await pairs.mentor_loads(db)
    excluded = await pairs.past_mentors(db)
    for mentee_id, skipped in (await suggestions.skipped_pairs(db)).items():
        excluded.setdefault(mentee_id, set()).update(skipped)
    mentees = [mentee_profile(m, excluded.get(m.id, set())) for m in waiting]
    mentors = [mentor_profile(m, loads.get(m.id, 0), now) for m in all_mentors]
    # Scoring and the assignment are CPU work: keep the event loop free for other chats.
    result = await asyncio.to_thread(plan, mentees, mentors, config, now)
    by_id = {m.id: m for m in (*waiting, *all_mentors)}
    profiles = {p.id: p for p in mentees} | {p.id: p for p in mentors}  # ids are unique rows
    order = {m.id: index for index, m in enumerate(waiting)}
    language, t = services.settings.default_language, services.t
    posted = []
    for proposal in sorted(result.proposals, key=lambda p: order[p.mentee_id])[
        : config.suggest_batch
    ]:
        ids = [proposal.mentor_id, *(mentor_id for mentor_id, _ in proposal.alternatives)]
        proposal_id: int | None = None
        for rank, mentor_id in enumerate(ids):
            mentee_p, mentor_p = profiles[proposal.mentee_id], profiles[mentor_id]
            assert isinstance(mentee_p, Mentee) and isinstance(mentor_p, Mentor)
            assessment = assess(mentee_p, mentor_p, config, now)
            reasons = render_reasons(t, language, assessment.reasons)
            suggestion_id = await suggestions.add(
                db,
                mentee_id=proposal.mentee_id,
                mentor_id=mentor_id,
                score=assessment.score,
                reasons=reasons,
                rank=rank,
                now=now,
                proposal_id=proposal_id,
            )
            if proposal_id is None:
                proposal_id = suggestion_id
                posted.append(
                    Posted(
                        suggestion_id,
                        by_id[proposal.mentee_id],
                        by_id[mentor_id],
                        assessment.score,
                        reasons,
                        len(ids) - 1,
                    )
                )
    proposed = {p.mentee.id for p in posted}
    planned_ids = {p.mentee_id for p in result.proposals}
    left_out = []
    for member, profile in zip(waiting, mentees, strict=True):
        if member.id in proposed:
            continue
        if member.id in planned_ids:  # planned, but beyond this batch
            why: str = t(language, "matching.left_out_later", batch=config.suggest_batch)
        else:
            why = why_left_out(t, language, profile, mentors, config, services.content.intake)
        left_out.append(LeftOut(member, why))
    return posted, len(waiting), len(result.proposals), left_out
