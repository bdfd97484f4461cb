"""The rest of a pair's life: the answer to the fit check, rematch, closure and the exit survey."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.core.i18n import Html
from bot.delivery.notify import notify_coordinators
from bot.programme.pairing import Actor, member_in, queue_to_member, set_status
from storage import audit, engagement, pairs, surveys
from storage.members import Member

if TYPE_CHECKING:
    from bot.services import Services

Buttons = list[list[tuple[str, str]]]
FIT_VALUES = {"good": 2.0, "unsure": 1.0, "not_fit": 0.0}


@dataclass(frozen=True)
class Question:
    """One exit-survey question: its id and the (answer id, value) buttons."""

    id: str
    answers: tuple[tuple[str, float], ...]


SCALE = tuple((str(value), float(value)) for value in range(1, 6))
SURVEY = (
    Question("helpfulness", SCALE),
    Question("relationship", SCALE),
    Question("recommend", (("yes", 2.0), ("maybe", 1.0), ("no", 0.0))),
    Question("continue", (("yes", 1.0), ("no", 0.0))),
)


def survey_step(
    services: Services, language: str, role: str, pair: pairs.Pair, index: int
) -> tuple[Html, Buttons]:
    """The text and buttons of exit-survey question `index` for one side of a pair."""
    t, sign = services.t, services.signer.sign
    question = SURVEY[index]
    key = f"pair.survey_{question.id}" + (f"_{role}" if question.id == "continue" else "")
    text = Html(
        t(language, "pair.survey_progress", step=index + 1, steps=len(SURVEY))
        + "\n"
        + t(language, key)
    )
    row = [
        (
            label if label.isdigit() else t(language, f"pair.answer_{label}"),
            sign("pair", "sv", pair.id, index, label),
        )
        for label, _ in question.answers
    ]
    return text, [row, [(t(language, "pair.survey_skip"), sign("pair", "sv", pair.id, index, "x"))]]


async def close_pair(
    services: Services,
    pair_id: int,
    *,
    reason: str,
    ended_by: str,
    actor: Actor | None = None,
) -> pairs.Pair | None:
    """End a pair: kind closing words and the exit survey to both; None if it had ended."""
    now, t = services.clock.now(), services.t
    async with services.db.transaction() as connection:
        if not await pairs.end(connection, pair_id, reason=reason, ended_by=ended_by, now=now):
            return None
        pair = await pairs.get(connection, pair_id)
        assert pair is not None
        mentee = await member_in(connection, pair.mentee_id or 0)
        mentor = await member_in(connection, pair.mentor_id or 0)
        if ended_by == "rematch" and mentee is not None:
            await set_status(connection, mentee.id, "waiting", now)  # back on the list, no fault
        for member, partner in ((mentee, mentor), (mentor, mentee)):
            if member is None:
                continue  # they used /forget: nothing to send, nothing to count
            role = pair.role_of(member.id) or "mentee"
            if ended_by in ("mentee", "mentor"):
                key = "pair.closed_self" if role == ended_by else "pair.closed_partner"
            else:
                key = f"pair.closed_{ended_by}"
            alias = partner.display_alias if partner else "-"
            await queue_to_member(
                services,
                connection,
                member,
                key=f"pair:{pair.code}:closed:{role}",
                text=t(member.language, key, partner=alias, weeks=services.settings.program_weeks),
                kind="pair_closed",
                now=now,
            )
            text, buttons = survey_step(services, member.language, role, pair, 0)
            await queue_to_member(
                services,
                connection,
                member,
                key=f"pair:{pair.code}:survey:{role}",
                text=text,
                buttons=buttons,
                kind="exit_survey",
                now=now,
            )
            await engagement.record(
                connection,
                services.pseudonym_key,
                kind="ended",
                now=now,
                telegram_id=member.telegram_id,
                role=role,
                pair_code=pair.code,
            )
        if actor is not None:
            await audit.record(
                connection,
                actor_id=actor.id,
                actor_name=actor.name,
                action="unpair",
                now=now,
                subject=pair.code,
                detail=reason[:200],
            )
        elif ended_by != "coordinator":
            language = services.settings.default_language
            await notify_coordinators(
                services,
                key=f"pair:{pair.code}:ended",
                kind="pair_ended",
                text=t(
                    language,
                    f"matching.ended_{ended_by}",
                    pair=pair.code,
                    mentee=mentee.code if mentee else "-",
                    reason=reason,
                ),
                connection=connection,
            )
    services.outbox.wake()
    return pair


async def end_pairs_of(
    services: Services, member: Member, reason: str = "left the programme"
) -> int:
    """End every current pair of a member who leaves (call before /forget deletes the row).

    The partner gets the kind "has ended your pairing" message and the survey; the leaving
    member's own queued messages are deleted with their row (outbox rows cascade).
    """
    ended = 0
    for pair in await pairs.current_pairs_of(services.db, member.id):
        role = pair.role_of(member.id) or "mentee"
        if await close_pair(services, pair.id, reason=reason, ended_by=role) is not None:
            ended += 1
    return ended


async def answer_survey(
    services: Services, pair_id: int, member: Member, index: int, label: str
) -> tuple[str, Html | None, Buttons | None]:
    """Store one exit-survey answer: ('next', text, buttons), ('done', text, None) or stale."""
    pair = await pairs.get(services.db, pair_id)
    role = pair.role_of(member.id) if pair else None
    if pair is None or role is None or pair.status != "ended" or not 0 <= index < len(SURVEY):
        return "stale", None, None
    now, t, language = services.clock.now(), services.t, member.language
    question = SURVEY[index]
    if label == "x":  # "skip the rest"
        return "done", t(language, "pair.survey_thanks"), None
    values = dict(question.answers)
    if label not in values or not await surveys.answer(
        services.db,
        services.pseudonym_key,
        survey="exit",
        pair_code=pair.code,
        role=role,
        question=question.id,
        value=values[label],
        now=now,
    ):
        return "stale", None, None
    if question.id == "continue" and role == "mentee" and values[label] > 0:
        async with services.db.transaction() as connection:
            current = await pairs.current_pairs_of(connection, member.id)
            if not current:
                await set_status(connection, member.id, "waiting", now)
    if index + 1 < len(SURVEY):
        text, buttons = survey_step(services, language, role, pair, index + 1)
        return "next", text, buttons
    await engagement.record(
        services.db,
        services.pseudonym_key,
        kind="exit_survey",
        now=now,
        telegram_id=member.telegram_id,
        role=role,
        pair_code=pair.code,
        value=float(len(SURVEY)),
    )
    return "done", t(language, "pair.survey_thanks"), None


async def answer_fit(services: Services, pair_id: int, member: Member, answer: str) -> str:
    """Record a private fit-check answer: 'recorded' or 'stale'. Not a fit tells coordinators."""
    pair = await pairs.get(services.db, pair_id)
    role = pair.role_of(member.id) if pair else None
    if pair is None or role is None or answer not in FIT_VALUES:
        return "stale"
    if not await pairs.set_fit(services.db, pair.id, role, answer):
        return "stale"
    now = services.clock.now()
    await engagement.record(
        services.db,
        services.pseudonym_key,
        kind="fit_check",
        now=now,
        telegram_id=member.telegram_id,
        role=role,
        pair_code=pair.code,
        value=FIT_VALUES[answer],
    )
    if answer == "not_fit":
        language = services.settings.default_language
        await notify_coordinators(
            services,
            key=f"pair:{pair.code}:notfit:{role}",
            kind="fit_check",
            text=services.t(
                language,
                "matching.not_a_fit",
                pair=pair.code,
                code=member.code,
                role=services.t(language, f"matching.role_{role}"),
            ),
        )
    return "recorded"


async def rematch(services: Services, pair_id: int, member: Member) -> pairs.Pair | None:
    """A no-fault rematch asked for after "not a fit": end the pair, mentee back to waiting."""
    pair = await pairs.get(services.db, pair_id)
    if pair is None or pair.role_of(member.id) is None or pair.status == "ended":
        return None
    role = pair.role_of(member.id)
    return await close_pair(
        services, pair.id, reason=f"no-fault rematch asked by the {role}", ended_by="rematch"
    )
