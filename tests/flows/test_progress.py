"""/progress through the sandbox: a member's own trend and scores, and nobody else's."""

from __future__ import annotations

from datetime import timedelta

from bot.programme.checkins import iso_week
from bot.sandbox.harness import Sandbox
from storage import pulses
from tests.flows.pairing_helpers import make_member, paired
from tests.flows.test_checkin import answer_checkin, answer_who5
from tests.flows.test_console import png_size, sent_files


async def test_mentee_sees_own_trend_scores_and_reading(sandbox: Sandbox) -> None:
    mia, leo, _mentee, mentor, _pair = await paired(sandbox)
    replies = await mia.send("/progress")
    assert "Nothing to show yet" in replies[-1].text
    replies = await mia.send("/checkin")
    replies = await answer_checkin(mia, replies[-1], note=None, contact=False)
    await answer_who5(mia, replies[-1], "Less than half of the time")  # 40
    sandbox.clock.advance(timedelta(weeks=4))
    replies = await mia.send("/checkin")
    replies = await answer_checkin(mia, replies[-1], mood="😄 5", note=None, contact=False)
    await answer_who5(mia, replies[-1], "Most of the time")  # 80
    photos_before = len(sent_files(sandbox, "sendPhoto"))
    replies = await mia.send("/progress")
    photo = sent_files(sandbox, "sendPhoto")[-1]
    assert len(sent_files(sandbox, "sendPhoto")) == photos_before + 1
    assert photo["chat_id"] == mia.id and png_size(photo["photo"]) == (800, 600)
    text = replies[-1].text
    assert "Your progress" in text and "Weekly check-ins so far: 2" in text
    assert "40 (" in text and "80 (" in text
    assert "40 points higher than when you started" in text
    assert "Only you can see this" in text
    assert "professional" not in text  # the latest score is not low

    # The mentor's /progress is their own pulse only: nothing of Mia's.
    replies = await leo.send("/progress")
    assert "Nothing to show yet" in replies[-1].text and "80" not in replies[-1].text
    now = sandbox.clock.now()
    await pulses.save(
        sandbox.db, mentor.id, iso_week(now, "UTC"), now, going=4, wellbeing=2, wants_support=0
    )
    replies = await leo.send("/progress")
    assert "Your weekly pulse" in replies[-1].text and "Mood" not in replies[-1].text
    assert sent_files(sandbox, "sendPhoto")[-1]["chat_id"] == leo.id


async def test_a_low_latest_score_brings_help_and_crisis_wording(sandbox: Sandbox) -> None:
    mia, _leo, _mentee, _mentor, _pair = await paired(sandbox)
    replies = await mia.send("/checkin")
    replies = await answer_checkin(mia, replies[-1], mood="😞 1", note=None, contact=False)
    await answer_who5(mia, replies[-1], "Some of the time")  # 20: low
    replies = await mia.send("/progress")
    text = replies[-1].text
    assert "20 (" in text and "same questions again in a few weeks" in text
    assert "talk with a professional" in text and "/crisis" in text


async def test_someone_else_sees_nothing_of_it(sandbox: Sandbox) -> None:
    mia, _leo, _mentee, _mentor, _pair = await paired(sandbox)
    replies = await mia.send("/checkin")
    replies = await answer_checkin(mia, replies[-1], note=None, contact=False)
    await answer_who5(mia, replies[-1], "Most of the time")
    ben = sandbox.user("Ben")
    await make_member(sandbox, ben, "mentee", "Birch")
    replies = await ben.send("/progress")
    assert "Nothing to show yet" in replies[-1].text and "80" not in replies[-1].text
    stranger = sandbox.user("Stranger")
    replies = await stranger.send("/progress")
    assert "/start" in replies[-1].text
