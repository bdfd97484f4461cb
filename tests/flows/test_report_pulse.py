"""/report, the mentor pulse and its weekly prompt, and the signals for the digest."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.programme.signals import flagged_pairs
from bot.sandbox.harness import Sandbox
from storage import engagement, relay
from tests.flows.pairing_helpers import dump_tables, make_member, paired


async def test_report_reaches_coordinators_with_pair_code_partner_never_told(
    sandbox: Sandbox,
) -> None:
    mia, leo, _mentee, _mentor, pair = await paired(sandbox)
    replies = await mia.send("/report")
    assert replies[-1].button_labels == [
        "Boundaries",
        "Disrespect",
        "Worried about my partner's safety",
        "Something else",
        "Cancel",
    ]
    replies = await mia.send("typing instead")  # text where a button is expected
    assert replies[-1].text == "Please choose one of the buttons below."
    replies = await mia.click(mia.last_with_buttons(), "Boundaries")
    notice = sandbox.group.bot_messages()[-1].text
    assert pair.code in notice and "Boundaries" in notice and "mentee" in notice
    await mia.send("He keeps asking for my <address> & number")
    words = sandbox.group.bot_messages()[-1]
    assert "He keeps asking for my <address> & number" in words.text
    assert "coordinator will look at it" in mia.last_message().text
    assert leo.bot_messages() == []  # the partner is never told
    assert await relay.report_count(sandbox.db) == 1
    assert "keeps asking" not in await dump_tables(sandbox, "reports", "outbox", "engagement")
    assert len(await engagement.events(sandbox.db, "report_raised")) == 1


async def test_report_safety_with_crisis_words_screens_and_skip_and_cancel(
    sandbox: Sandbox,
) -> None:
    mia, leo, *_ = await paired(sandbox)
    replies = await leo.send("/report")
    await leo.click(replies[-1], "Worried about my partner's safety")
    replies = await leo.send("my partner is suicidal")
    # screened: a mentor about someone else, so the crisis-protocol guidance, not the writer's
    # own crisis reply
    assert any("someone you support may be at risk" in r.text for r in replies)
    assert not any("988" in r.text for r in replies)
    replies = await mia.send("/report")
    await mia.click(replies[-1], "Cancel")
    assert "nothing was sent" in mia.last_message().text
    replies = await mia.send("/report")
    replies = await mia.click(replies[-1], "Something else")
    await mia.click(replies[-1], "Skip")
    assert "Thank you for telling us" in mia.last_message().text
    assert await relay.report_count(sandbox.db) == 2
    lone = sandbox.user("Lone")
    await make_member(sandbox, lone, "mentee", "Moss")
    assert "don't have one right now" in (await lone.send("/report"))[-1].text


async def test_weekly_pulse_prompt_low_answer_tells_coordinators_and_offers_self_care(
    sandbox: Sandbox,
) -> None:
    _mia, leo, *_ = await paired(sandbox)
    # The first Friday (17:00 UTC) is too early in the pairing: no pulse yet.
    await sandbox.advance(timedelta(days=4, hours=8))
    assert leo.bot_messages() == []
    # The second Friday 17:00: the pulse prompt, once.
    await sandbox.advance(timedelta(days=7))
    prompt = leo.last_message()
    assert "weekly pulse" in prompt.text
    await sandbox.advance(timedelta(minutes=30))
    assert sum("weekly pulse" in m.text for m in leo.bot_messages()) == 1  # once a week
    replies = await leo.click(prompt, "Start the pulse")
    replies = await leo.click(replies[-1], "4")
    replies = await leo.send("fine")  # text instead of buttons
    assert replies[-1].button_labels == ["1", "2", "3", "4", "5"]
    replies = await leo.click(replies[-1], "2")
    replies = await leo.click(replies[-1], "No")
    notice = sandbox.group.bot_messages()[-1].text
    assert "Mentor pulse" in notice and "low answer" in notice
    assert "Something for you" in replies[-1].text and "A one-minute pause" in replies[-1].text
    assert [e.value for e in await engagement.events(sandbox.db, "pulse_done")] == [2.0]


async def test_pulse_all_good_and_mentees_are_redirected(sandbox: Sandbox) -> None:
    mia, leo, *_ = await paired(sandbox)
    replies = await leo.send("/pulse")
    for answer in ("5", "4", "No"):
        replies = await leo.click(replies[-1], answer)
    assert "Take care of yourself" in replies[-1].text
    assert sandbox.group.bot_messages() == []
    assert "/checkin" in (await mia.send("/pulse"))[-1].text


async def test_signals_flag_a_pair_messaging_into_quiet_hours(sandbox: Sandbox) -> None:
    mia, leo, *_ = await paired(sandbox)
    assert sandbox.services is not None
    sandbox.clock.set(datetime(2026, 3, 3, 23, 30, tzinfo=UTC))  # Tuesday night
    for index in range(12):
        await mia.send(f"late thought number {index}")
    week = datetime(2026, 3, 2, tzinfo=UTC)
    flags = await flagged_pairs(sandbox.services, week)
    assert len(flags) == 1
    assert set(flags[0].reasons) == {"imbalance", "quiet_hours"}
    assert flags[0].week.mentee_sent == 12 and flags[0].week.mentor_sent == 0
    assert await flagged_pairs(sandbox.services, week + timedelta(days=7)) == []
    assert leo.bot_messages() == []  # all held for the morning


async def test_pulse_asking_for_support_tells_coordinators(sandbox: Sandbox) -> None:
    _mia, leo, *_ = await paired(sandbox)
    replies = await leo.send("/pulse")
    old = replies[-1]
    for answer in ("4", "4", "Yes"):
        replies = await leo.click(replies[-1], answer)
    assert "A coordinator will get in touch" in replies[-2].text
    notice = sandbox.group.bot_messages()[-1].text
    assert "asked for support" in notice and "low answer" not in notice
    await leo.click(old, "1")  # a button from an earlier question: expired, nothing changes
    assert "expired" in leo.answers()[-1]["text"]
    assert len(sandbox.group.bot_messages()) == 1
