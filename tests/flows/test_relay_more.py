"""More relay and check-in edges: pauses, crisis with a boundary prompt, cards in quiet hours,
PHQ-2 switched on, crisis words in a check-in note."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.core.schedule import INDEFINITE
from bot.delivery.lanes import Lane
from bot.delivery.outbox_hooks import message_payload
from bot.sandbox.harness import Sandbox, sandbox_settings
from storage import members, outbox
from tests.conftest import shipped_content
from tests.flows.pairing_helpers import make_member, make_pair, paired
from tests.flows.test_checkin import answer_checkin, answer_who5
from tests.flows.test_relay import copies


async def test_paused_partner_gets_messages_when_back(sandbox: Sandbox) -> None:
    mia, leo, _mentee, mentor, _pair = await paired(sandbox)
    await members.update_profile(
        sandbox.db, mentor.id, sandbox.clock.now(), paused_until=INDEFINITE
    )
    replies = await mia.send("thinking of you")
    assert "Oak has paused for now" in replies[-1].text
    await sandbox.advance(timedelta(days=2))
    assert copies(leo.messages()) == []
    await members.update_profile(sandbox.db, mentor.id, sandbox.clock.now(), paused_until=None)
    await sandbox.advance(timedelta(minutes=1))  # release sweep, then the outbox
    assert copies(leo.messages())[-1].text == "thinking of you"


async def test_crisis_words_with_a_phone_number_still_get_the_note(sandbox: Sandbox) -> None:
    mia, leo, *_ = await paired(sandbox)
    replies = await mia.send("I want to kill myself, call me (415) 555-2671")
    assert any("988" in r.text for r in replies)
    await mia.click(mia.last_with_buttons(), "Send anyway")
    assert copies(leo.messages())[-1].text.startswith("I want to kill myself")
    assert any(
        "crisis protocol" in m.text or "going through a crisis" in m.text
        for m in leo.bot_messages()
    )


async def test_mentor_card_waits_for_the_mentors_morning(sandbox: Sandbox) -> None:
    mia, leo, *_ = await paired(sandbox)
    sandbox.clock.set(datetime(2026, 3, 2, 22, 0, tzinfo=UTC))
    replies = await mia.send("/checkin")
    replies = await answer_checkin(mia, replies[1], note=None, contact=False)
    await answer_who5(mia, replies[-1], "Most of the time")
    assert leo.bot_messages() == []
    await sandbox.advance(timedelta(hours=10))
    assert "Sunny checked in" in leo.last_message().text


async def test_crisis_words_in_a_checkin_note_are_answered_once(sandbox: Sandbox) -> None:
    mia, _leo, *_ = await paired(sandbox)
    replies = await mia.send("/checkin")
    for label in ("😞 1", "Badly", "A lot"):
        replies = await mia.click(replies[-1], label)
    replies = await mia.send("I don't want to live anymore")
    assert len(replies) == 1 and "988" in replies[0].text  # answered once, not taken as the note
    assert "Whenever you're ready" in replies[0].text
    replies = await mia.send("rough week")  # carrying on: the same step takes the note
    assert replies[-1].text.startswith("May your mentor see")
    assert len(sandbox.group.bot_messages()) == 1


async def test_phq2_when_switched_on(tmp_path: Path) -> None:
    content = shipped_content()
    measures = dict(content.checkins.measures)
    measures["phq2"] = measures["phq2"].model_copy(update={"enabled": True})
    checkins = content.checkins.model_copy(update={"measures": measures})
    box = Sandbox(
        sandbox_settings(tmp_path), content=dataclasses.replace(content, checkins=checkins)
    )
    await box.start()
    try:
        mia, *_ = await paired(box)
        replies = await mia.send("/checkin")
        replies = await answer_checkin(mia, replies[1], note=None, contact=False)
        replies = await answer_who5(
            mia, replies[-1], "Most of the time"
        )  # WHO-5 first (content order)
        assert "how often have you been bothered" in replies[-1].text
        assert replies[-1].button_labels == [
            "Not at all",
            "Several days",
            "More than half the days",
            "Nearly every day",
        ]
        replies = await mia.click(replies[-1], "More than half the days")
        replies = await mia.click(replies[-1], "Several days")  # 2 + 1 = 3: elevated
        assert any("talk with a professional" in r.text for r in replies)
        notice = box.group.bot_messages()[-1].text
        assert "PHQ2" in notice and "elevated" in notice
        rows = await box.db.fetch_all("SELECT instrument, score, band FROM measures ORDER BY id")
        assert [tuple(r) for r in rows] == [("who5", 80, "good"), ("phq2", 3, "elevated")]
    finally:
        await box.stop()
    assert box.violations == []


async def test_no_second_protocol_note_when_a_crisis_card_went_out(sandbox: Sandbox) -> None:
    mia, leo, *_ = await paired(sandbox)
    now = sandbox.clock.now()
    await outbox.enqueue(  # what the escalation's mentor card looks like in the outbox
        sandbox.db,
        key="crisis_card:test",
        chat_id=leo.id,
        lane=Lane.CRISIS,
        kind="crisis_card",
        payload=message_payload("card"),
        not_before=now,
        now=now,
    )
    await mia.send("I want to kill myself")
    assert copies(leo.messages())[-1].text == "I want to kill myself"
    assert not any("crisis protocol" in m.text for m in leo.bot_messages())


async def test_a_mentor_with_two_mentees_sees_who_wrote(sandbox: Sandbox) -> None:
    mia, leo, _mentee, mentor, _pair = await paired(sandbox)
    ivy = sandbox.user("Ivy")
    await members.update_profile(sandbox.db, mentor.id, sandbox.clock.now(), capacity=2)
    await make_pair(sandbox, await make_member(sandbox, ivy, "mentee", "Fern"), mentor)
    await ivy.send("Thank you for last week")
    await ivy.send("It really helped")  # the same partner straight after: one "From" line
    await mia.send("Hi Max, nice to meet you")
    await sandbox.advance(timedelta(minutes=1))
    shown = [m.text for m in leo.bot_messages()]
    assert shown[-5:] == [
        "✉️ From Fern:",
        "Thank you for last week",
        "It really helped",
        "✉️ From Sunny:",
        "Hi Max, nice to meet you",
    ]
    assert leo.bot_messages()[-2].html == "✉️ From <b>Sunny</b>:"
    assert not any(name in str(m.raw) for m in leo.bot_messages() for name in ("Mia", "Ivy"))
    # Later, the same partner again: attributed again; the mentees (one partner each) see none.
    await sandbox.advance(timedelta(hours=1))
    await ivy.send("Me again")
    assert [m.text for m in leo.bot_messages()][-2:] == ["✉️ From Fern:", "Me again"]
    await leo.send("Hello Fern", reply_to=leo.bot_messages()[-1])
    assert not any(m.text.startswith("✉️") for m in mia.bot_messages() + ivy.bot_messages())
    assert [m.text for m in ivy.bot_messages()][-1] == "Hello Fern"
