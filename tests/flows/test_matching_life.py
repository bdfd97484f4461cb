"""A pair's whole life through the sandbox: suggest, approve, introductions, accept, fit check,
end, exit survey; the programme running out; rematch; alternatives and skip."""

from __future__ import annotations

from datetime import timedelta

from bot.core.clock import to_db
from bot.sandbox.harness import Sandbox
from storage import engagement, pairs, surveys
from storage.members import get_by_id
from tests.flows.matching_helpers import count, mentee, mentor, with_button


async def start_pair(sandbox: Sandbox):  # type: ignore[no-untyped-def]
    """Ana and Ben, suggested, approved and both in: returns (ana, ben, coord, pair)."""
    ana, ana_m = await mentee(sandbox)
    ben, _ = await mentor(sandbox)
    coord = sandbox.group.coordinator("Cleo")
    posted = await coord.send("/suggest")
    await coord.click(with_button(posted, "Approve"), "Approve")
    await ana.click(with_button(ana.bot_messages(), "I'm in"), "I'm in")
    await ben.click(with_button(ben.bot_messages(), "I'm in"), "I'm in")
    current = await pairs.current_pairs_of(sandbox.db, ana_m.id)
    return ana, ben, coord, current[0]


async def test_suggest_approve_introduce_accept_fitcheck_end_survey(sandbox: Sandbox) -> None:
    ana, ana_m = await mentee(sandbox)
    ben, ben_m = await mentor(sandbox)
    coord = sandbox.group.coordinator("Cleo")

    posted = await coord.send("/suggest")
    assert "1 of 1 proposed pairs" in posted[0].text
    proposal = posted[1]
    assert "Ana" in proposal.text and "Ben" in proposal.text
    assert "both: grief" in proposal.text and "speak: en" in proposal.text
    assert "same age group" in proposal.text and "same time zone" in proposal.text
    assert proposal.button_labels == ["✅ Approve", "Skip", "Alternatives"]

    await coord.click(proposal, "Approve")
    edited = sandbox.group.bot_messages()[1]
    assert "Approved by Cleo" in edited.text and edited.buttons == []

    intro = ana.last_message()
    assert "Meet your mentor: Ben" in intro.text and "grief" in intro.text
    assert "12 weeks" in intro.text and "/crisis" in intro.text
    assert intro.button_labels == ["I'm in", "Not for me"]
    assert "new mentee: Ana" in ben.last_message().text
    assert (await pairs.current_pairs_of(sandbox.db, ana_m.id))[0].status == "introduced"

    replies = await ana.click(intro, "I'm in")
    assert "as soon as Ben is in too" in replies[-1].text
    await ana.click(intro, "I'm in")  # second device, same old button
    assert "already in" in ana.answers()[-1]["text"]
    replies = await ben.click(ben.last_message(), "I'm in")
    assert "Ana is in too" in replies[-1].text
    assert "Ben is in too" in ana.last_message().text
    pair = (await pairs.current_pairs_of(sandbox.db, ana_m.id))[0]
    assert pair.status == "active" and pair.ends_at is not None
    assert (await get_by_id(sandbox.db, ana_m.id)).status == "active"  # type: ignore[union-attr]
    assert len(await engagement.events(sandbox.db, "paired")) == 2
    assert len(await engagement.events(sandbox.db, "accepted")) == 2

    # Day 7: each side is asked privately.
    await sandbox.advance(timedelta(days=6, hours=23))
    assert "How is it going" not in ana.last_message().text
    await sandbox.advance(timedelta(hours=1))
    question = ana.last_message()
    assert "How is it going" in question.text and "never see it" in question.text
    assert question.button_labels == ["Good", "Not sure yet", "Not a fit"]
    await ana.click(question, "Good")
    assert "good to hear" in ana.last_message().text
    group_before = len(sandbox.group.bot_messages())
    await ben.click(with_button(ben.bot_messages(), "Not a fit"), "Not a fit")
    offer = ben.last_message()
    assert "nobody's fault" in offer.text
    assert offer.button_labels == ["Yes, a fresh start", "Not now"]
    alert = sandbox.group.bot_messages()[-1]
    assert len(sandbox.group.bot_messages()) == group_before + 1
    assert "not a good fit" in alert.text and ben_m.code in alert.text
    assert all("not a good fit" not in m.text for m in ana.bot_messages())  # never shown
    await ben.click(offer, "Not now")
    assert "nothing changes" in ben.last_message().text
    await ben.click(question, "Good")  # a stale press on someone else's old message
    assert (await pairs.get(sandbox.db, pair.id)).mentor_fit == "not_fit"  # type: ignore[union-attr]
    fit_events = await engagement.events(sandbox.db, "fit_check")
    assert sorted(e.value for e in fit_events) == [0.0, 2.0]

    # Ana ends the pair, with a reason.
    confirm = (await ana.send("/end"))[-1]
    assert "End your pairing with Ben?" in confirm.text
    assert "Keep going" in confirm.button_labels
    await ana.click(confirm, "It has run its course")
    ended = await pairs.get(sandbox.db, pair.id)
    assert ended is not None and ended.status == "ended" and ended.ended_by == "mentee"
    ana_msgs, ben_msgs = ana.bot_messages(), ben.bot_messages()
    assert "Your pairing with Ben has ended" in ana_msgs[-2].text
    assert (
        "Ana has ended your pairing" in ben_msgs[-2].text and "not a judgement" in ben_msgs[-2].text
    )
    survey = ana_msgs[-1]
    assert "(1/4)" in survey.text and survey.button_labels[:5] == ["1", "2", "3", "4", "5"]
    assert "ended by the mentee" in sandbox.group.bot_messages()[-1].text

    await ana.click(survey, "4")
    survey = ana.bot_messages()[-1]
    assert "(2/4)" in survey.text
    await ana.click(survey, "5")
    await ana.click(ana.bot_messages()[-1], "Yes")
    last = ana.bot_messages()[-1]
    assert "new mentor" in last.text
    await ana.click(last, "Yes")
    assert "Thank you" in ana.bot_messages()[-1].text
    answers = await surveys.answers(sandbox.db, "exit")
    assert [(q, v) for _, q, v in answers] == [
        ("helpfulness", 4.0),
        ("relationship", 5.0),
        ("recommend", 2.0),
        ("continue", 1.0),
    ]
    assert all(role == "mentee" for role, _, _ in answers)
    assert len(await engagement.events(sandbox.db, "exit_survey")) == 1
    assert len(await engagement.events(sandbox.db, "ended")) == 2
    assert (await get_by_id(sandbox.db, ana_m.id)).status == "waiting"  # type: ignore[union-attr]
    # The history is kept, so the same two are never suggested again; capacity is free.
    assert await count(sandbox, "SELECT COUNT(*) FROM pairs WHERE status = 'ended'") == 1
    replies = await coord.send("/suggest")
    assert "No suggestions" in replies[0].text
    # Ben skips his survey.
    await ben.click(ben.bot_messages()[-1], "Skip the survey")
    assert "Thank you" in ben.bot_messages()[-1].text


async def test_programme_end_with_reminder_two_weeks_before(sandbox: Sandbox) -> None:
    ana, ben, _coord, pair = await start_pair(sandbox)
    await sandbox.advance(timedelta(weeks=10) - timedelta(hours=1))
    assert "ends in" not in ana.last_message().text
    await sandbox.advance(timedelta(hours=1))
    assert "ends in 14 days" in ana.last_message().text
    assert "ends in 14 days" in ben.last_message().text
    await sandbox.advance(timedelta(days=1))  # the reminder is sent once
    assert sum("ends in 14 days" in m.text for m in ana.bot_messages()) == 1
    await sandbox.advance(timedelta(days=13))
    closed = await pairs.get(sandbox.db, pair.id)
    assert closed is not None and closed.status == "ended" and closed.ended_by == "programme"
    assert "12 weeks with Ben are complete" in ana.bot_messages()[-2].text
    assert "(1/4)" in ben.bot_messages()[-1].text
    assert any("completed the programme" in m.text for m in sandbox.group.bot_messages()[-3:])


async def test_introduction_not_accepted_tells_coordinators_once(sandbox: Sandbox) -> None:
    ana, _ = await mentee(sandbox)
    _ben, _ = await mentor(sandbox)
    coord = sandbox.group.coordinator("Cleo")
    await coord.click(with_button(await coord.send("/suggest"), "Approve"), "Approve")
    await ana.click(ana.last_message(), "I'm in")
    await sandbox.advance(timedelta(days=2, hours=23))
    assert "not accepted yet" not in sandbox.group.bot_messages()[-1].text
    await sandbox.advance(timedelta(hours=1))
    late = sandbox.group.bot_messages()[-1]
    assert "not accepted yet by the mentor" in late.text
    await sandbox.advance(timedelta(days=1))
    assert sum("not accepted yet" in m.text for m in sandbox.group.bot_messages()) == 1


async def test_not_a_fit_rematch_is_no_fault_and_private(sandbox: Sandbox) -> None:
    ana, ben, coord, pair = await start_pair(sandbox)
    await sandbox.advance(timedelta(days=7))
    await ana.click(ana.last_message(), "Not a fit")
    await ana.click(ana.last_message(), "Yes, a fresh start")
    closed = await pairs.get(sandbox.db, pair.id)
    assert closed is not None and closed.ended_by == "rematch"
    assert "No one is at fault" in ben.bot_messages()[-2].text
    assert all("Not a fit" not in m.text for m in ben.bot_messages())
    assert (await get_by_id(sandbox.db, pair.mentee_id or 0)).status == "waiting"  # type: ignore[union-attr]
    assert "back on the waiting list" in sandbox.group.bot_messages()[-1].text
    # A new mentor can now be suggested; Ben is never offered again.
    await mentor(sandbox, "Cai")
    replies = await coord.send("/suggest")
    assert "Cai" in replies[1].text and "Ben" not in replies[1].text


async def test_alternatives_and_skip(sandbox: Sandbox) -> None:
    await mentee(sandbox, focus_areas=["grief", "anxiety"])
    await mentor(sandbox, "Ben", lived_experience=["grief", "anxiety"])
    await mentor(sandbox, "Cai", lived_experience=["grief"])
    await mentor(sandbox, "Dee", lived_experience=[])
    coord = sandbox.group.coordinator("Cleo")
    await coord.send("/suggest")
    proposal = (await coord.send("/suggest"))[1]  # again, at the same moment
    assert "Ben" in proposal.text
    alternatives = await coord.click(proposal, "Alternatives")
    assert len(alternatives) == 2
    assert "Alternative 1" in alternatives[0].text and "Cai" in alternatives[0].text
    assert "Dee" in alternatives[1].text
    assert alternatives[0].button_labels == ["✅ Approve", "Skip"]
    await coord.click(alternatives[1], "Skip")
    skipped = next(m for m in sandbox.group.bot_messages() if m.id == alternatives[1].id)
    assert "Skipped by Cleo" in skipped.text and skipped.buttons == []
    await coord.click(alternatives[0], "Approve")
    pair = (await pairs.all_current(sandbox.db))[0]
    cai = await sandbox.db.fetch_value("SELECT id FROM members WHERE alias = 'Cai'")
    assert pair.mentor_id == cai
    # The original proposal is now stale: approving it makes no second pair.
    await coord.click(proposal, "Approve")
    assert "already has a mentor" in coord.answers()[-1]["text"]
    assert await count(sandbox, "SELECT COUNT(*) FROM pairs") == 1


async def test_members_get_their_own_language(sandbox: Sandbox) -> None:
    eva, eva_m = await mentee(sandbox, "Eva", language="es", languages_spoken=["es", "en"])
    ben, ben_m = await mentor(sandbox, languages_spoken=["en", "es"])
    coord = sandbox.group.coordinator("Cleo")
    await coord.send(f"/pair {eva_m.code} {ben_m.code}")
    assert "Te presento a tu mentor: Ben" in eva.last_message().text
    assert eva.last_message().button_labels == ["¡Me apunto!", "No es para mí"]
    assert "new mentee: Eva" in ben.last_message().text
    await eva.click(eva.last_message(), "Me apunto")
    assert "en cuanto Ben se apunte" in eva.last_message().text


async def test_suggest_posts_one_batch_longest_waiting_first(sandbox: Sandbox) -> None:
    now = sandbox.clock.now()
    for index in range(12):
        await mentee(sandbox, f"E{index:02d}", intake_done_at=to_db(now - timedelta(days=index)))
        await mentor(sandbox, f"R{index:02d}")
    coord = sandbox.group.coordinator("Cleo")
    posted = await coord.send("/suggest")
    assert "10 of 12 proposed pairs (12 mentees waiting)" in posted[0].text
    assert len(posted) == 11
    assert "E11" in posted[1].text and "E02" in posted[-1].text  # longest waiting first
