"""Finishing a check-in: save it, score due measures, suggest help on a low result, tell the mentor.

Telegram-free: returns the texts to show the mentee; everything for others goes to the outbox.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from bot.core.clock import from_db
from bot.core.i18n import Html, attr
from bot.delivery.lanes import Lane
from bot.delivery.notify import notify_coordinators
from bot.delivery.outbox_hooks import message_payload, queue
from bot.programme import checkin_extras
from bot.programme.checkins import MOOD_EMOJI, measure_answers, measure_due, trend
from bot.programme.relay import deliver_time, relay_pairs
from storage import checkins, engagement, members, pairs, reachouts, sharing
from storage.checkins import Checkin, Draft
from storage.members import Member
from storage.pairs import Pair

if TYPE_CHECKING:
    from bot.services import Services

Reply = tuple[str, list[list[tuple[str, str]]] | None]
NOTE_ON_CARD_CHARS = 1500
REFERRALS_SHOWN = 4


async def mentee_pair(services: Services, member: Member) -> Pair | None:
    """The member's current pair as mentee (with a mentor still in it), if any."""
    for pair in relay_pairs(await pairs.current_pairs_of(services.db, member.id)):
        if pair.mentee_id == member.id and pair.mentor_id is not None:
            return pair
    return None


async def due_measures(services: Services, member: Member, now: datetime) -> dict[str, str]:
    """Instrument -> occasion for every measure due in this check-in."""
    pair = await mentee_pair(services, member)
    ends_at = from_db(pair.ends_at) if pair else None
    closing = ends_at is not None and ends_at <= now + timedelta(days=7)
    due: dict[str, str] = {}
    for instrument, measure in services.content.checkins.measures.items():
        taken = await checkins.taken_measures(services.db, member.id, instrument)
        occasion = measure_due(measure, taken, now, closing=closing)
        if occasion is not None:
            due[instrument] = occasion
    return due


async def has_checkin(services: Services, member: Member, period: str) -> bool:
    """Has the member already checked in this period?"""
    return await checkins.has_checkin(services.db, member.id, period)


async def finish(services: Services, member: Member, draft: Draft) -> list[Reply]:
    """Save the check-in and measures, queue the mentor's card; the replies for the mentee."""
    content, t, language = services.content.checkins, services.t, member.language
    now = services.clock.now()
    answers = draft.answers
    await checkin_extras.save_choices(services, member, draft)
    shown = await checkin_extras.shown_items(services, member)
    structured = {
        question.id: int(answers[f"q:{question.id}"])
        for question in content.questions
        if question.kind != "text" and int(answers.get(f"q:{question.id}", -1)) >= 0
    }
    mood = structured[content.mood_question.id]
    note = draft.note if any(q.kind == "text" for q in content.questions) else None
    shared_note = next(
        (
            note
            for q in content.questions
            if q.ask_share and shown.get(q.id) and answers.get(f"share:{q.id}") == 1
        ),
        None,
    )
    contact_question = next((q for q in content.questions if q.contact), None)
    wants_contact = bool(contact_question and structured.get(contact_question.id) == 1)
    pair = await mentee_pair(services, member)
    checkin, new = await checkins.save_checkin(
        services.db,
        member_id=member.id,
        pair_id=pair.id if pair else None,
        period=draft.period,
        mood=mood,
        answers=structured,
        note_shared=shared_note is not None,
        wants_contact=wants_contact,
        now=now,
    )
    if new:  # a second check-in the same week updates the first and is not counted again
        await engagement.record(
            services.db,
            services.pseudonym_key,
            kind="checkin_done",
            now=now,
            telegram_id=member.telegram_id,
            role=member.role,
            pair_code=pair.code if pair else None,
            value=mood,
        )
    replies: list[Reply] = [(t(language, "checkin.thanks", emoji=_emoji(mood)), None)]
    low = await _score_measures(services, member, draft, now)
    await checkins.delete_draft(services.db, member.id)  # the note goes with it
    if pair is not None:
        mentor = await members.get_by_id(services.db, pair.mentor_id or 0)
        if mentor is not None:
            await send_mentor_card(services, member, mentor, pair, checkin, shared_note, shown)
            if wants_contact:
                await reachouts.request_reachout(services.db, pair.id, checkin.id, now)
            replies.append(
                (t(language, "checkin.mentor_will_see", alias=mentor.display_alias), None)
            )
    if low:
        replies.append((low_result_text(services, member), None))
    if not await sharing.goals(services.db, member.id):  # goals can be set from the check-in
        replies.append(
            (
                t(language, "goals.none"),
                [[(t(language, "goals.set_one"), services.signer.sign("gl", "add"))]],
            )
        )
    return replies


def _emoji(mood: int) -> str:
    """The mood's emoji."""
    return MOOD_EMOJI.get(mood, "")


async def _score_measures(services: Services, member: Member, draft: Draft, now: datetime) -> bool:
    """Record each completed measure; tell coordinators the band of a low one. True if low."""
    low = False
    due = await due_measures(services, member, now)
    for instrument, measure in services.content.checkins.measures.items():
        values = measure_answers(draft.answers, instrument, len(measure.items))
        if values is None:
            continue
        score = measure.score(values)
        band = measure.band(score)
        occasion = due.get(instrument, "followup")
        await checkins.add_measure(
            services.db,
            member_id=member.id,
            instrument=instrument,
            occasion=occasion,
            score=score,
            band=band.name,
            now=now,
        )
        await engagement.record(
            services.db,
            services.pseudonym_key,
            kind=f"{instrument}_score",
            now=now,
            telegram_id=member.telegram_id,
            role=member.role,
            value=score,
        )
        if band.low:
            low = True
            language = services.settings.default_language
            await notify_coordinators(
                services,
                key=f"measure:{member.code}:{instrument}:{draft.period}",
                kind="measure_low",
                text=services.t(
                    language,
                    "checkin.coord_low",
                    code=member.code,
                    alias=member.display_alias,
                    instrument=instrument.upper(),
                    band=band.name,
                ),
            )
    return low


def low_result_text(services: Services, member: Member) -> str:
    """A gentle suggestion to talk to a professional, with entries from the referral directory."""
    t, language = services.t, member.language
    country = member.country or services.settings.default_country
    entries = services.content.referrals.for_country(country)
    preferred = [e for e in entries if e.category == "counselling"] or entries
    lines: list[str] = [t(language, "checkin.low_result")]
    for entry in preferred[:REFERRALS_SHOWN]:
        contact: list[str] = []
        if entry.phone:
            contact.append(t(language, "checkin.referral_phone", number=entry.phone))
        if entry.website:
            contact.append(f'<a href="{attr(entry.website)}">{t(language, "checkin.website")}</a>')
        lines.append(
            t(
                language,
                "checkin.referral",
                name=entry.name,
                description=entry.description.get(language),
            )
            + (" " + Html(" · ".join(contact)) if contact else "")
        )
    lines.append(t(language, "checkin.low_result_crisis"))
    return "\n".join(lines)


async def send_mentor_card(
    services: Services,
    mentee: Member,
    mentor: Member,
    pair: Pair,
    checkin: Checkin,
    note: str | None,
    shown: dict[str, bool],
) -> None:
    """Queue the summary card for the mentor (in their waking hours): only the items the mentee
    shares (`shown`); the note is escaped."""
    content, t, language = services.content.checkins, services.t, mentor.language
    now = services.clock.now()
    earlier = await checkins.recent_moods(
        services.db, mentee.id, checkin.period, content.trend_length
    )
    lines: list[str] = [t(language, "checkin.card_title", alias=mentee.display_alias)]
    if shown.get(content.mood_question.id):
        lines.append(
            t(language, "checkin.card_mood", emoji=_emoji(checkin.mood), mood=checkin.mood)
        )
        if earlier:
            lines.append(t(language, "checkin.card_trend", trend=trend([*earlier, checkin.mood])))
    for question in content.questions:
        if not shown.get(question.id) or question.mood or question.contact:
            continue
        value = checkin.answers.get(question.id)
        option = next((o for o in question.options if o.value == value), None)
        if option is not None:
            lines.append(
                t(
                    language,
                    "checkin.card_answer",
                    question=question.text.get(language),
                    answer=option.label.get(language),
                )
            )
    if note:
        text = note if len(note) <= NOTE_ON_CARD_CHARS else note[:NOTE_ON_CARD_CHARS] + "…"
        lines.append(t(language, "checkin.card_note", note=text))
    if shown.get("goals"):
        lines += await checkin_extras.goal_lines(services, mentee, language)
    lines.append(
        t(
            language,
            "checkin.card_contact_yes" if checkin.wants_contact else "checkin.card_contact_no",
        )
    )
    buttons = [
        [
            (
                t(language, "checkin.card_message", alias=mentee.display_alias)[:60],
                services.signer.sign("relay", "pick", pair.id),
            ),
            (
                t(language, "checkin.card_reached"),
                services.signer.sign("checkin", "reached", pair.id),
            ),
        ]
    ]
    await queue(
        services,
        key=f"checkin_card:{checkin.id}:{checkin.updated_at}",
        chat_id=mentor.telegram_id,
        member_id=mentor.id,
        lane=Lane.RELAY,
        kind="checkin_card",
        payload=message_payload(Html("\n".join(lines)), buttons),
        not_before=deliver_time(mentor, now),
        now=now,
    )
