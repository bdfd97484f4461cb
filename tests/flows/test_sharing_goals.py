"""Sharing as promised (per item, defaults in the consent text) and goals, through the sandbox."""

from __future__ import annotations

import json
from datetime import timedelta

from bot.sandbox.client import SandboxMessage, SandboxUser
from bot.sandbox.harness import Sandbox
from tests.flows.pairing_helpers import make_member, make_pair
from tests.flows.test_checkin import answer_checkin, answer_who5
from tests.flows.test_console import sent_files


async def test_consent_text_states_the_defaults_exactly(sandbox: Sandbox) -> None:
    newcomer = sandbox.user("Nia")
    replies = await newcomer.send("/start")
    privacy = next(r.text for r in replies if "Who sees what" in r.text)
    assert "your mentor sees by default: mood, sleep, stress." in privacy
    assert "Your note only if you say yes each time." in privacy
    assert "Not your goals, unless you choose to share them." in privacy


async def pair_up(sandbox: Sandbox, *, chose: bool) -> tuple[SandboxUser, SandboxUser]:
    mia, leo = sandbox.user("Mia"), sandbox.user("Leo")
    mentee = await make_member(
        sandbox, mia, "mentee", "Sunny", chose_sharing=chose, intake_done_at="2026-01-01T00:00:00"
    )
    mentor = await make_member(sandbox, leo, "mentor", "Oak")
    await make_pair(sandbox, mentee, mentor)
    return mia, leo


async def choose(user: SandboxUser, first: SandboxMessage, labels: list[str]) -> SandboxMessage:
    message = first
    for label in labels:
        message = (await user.click(message, label))[-1]
    return message


async def test_withheld_items_never_reach_the_mentors_card(sandbox: Sandbox) -> None:
    mia, leo = await pair_up(sandbox, chose=False)
    replies = await mia.send("/checkin")
    assert "you decide what your mentor sees" in replies[-1].text
    assert "The programme's default: your mentor sees it" in replies[-1].text
    mood = await choose(
        mia,
        replies[-1],
        [
            "No, keep it private",
            "No, keep it private",
            "Yes, they may see it",
            "Never share my note",
            "No, keep it private",
        ],
    )
    assert mood.text == "How has your mood been this week?"
    replies = await mia.click(mood, "🙂 4")
    replies = await mia.click(replies[-1], "So-so")
    replies = await mia.click(replies[-1], "A lot")
    replies = await mia.send("secret words")  # the note is still hers to write
    assert "Would you like your mentor" in replies[-1].text  # never asked to share it
    replies = await mia.click(replies[-1], "No")
    await answer_who5(mia, replies[-1], "Most of the time")
    card = leo.last_message().text
    assert "Sunny checked in" in card and "How stressed" in card
    assert "Mood" not in card and "sleeping" not in card and "secret" not in card

    # /settings: let the mentor see the mood from now on.
    replies = await mia.send("/settings")
    replies = await mia.click(replies[-1], "What my mentor sees")
    screen = mia.last_message()
    assert "mood: private" in screen.text and "note: never shared" in screen.text
    await mia.click(screen, "mood: your mentor sees it")
    assert "mood: your mentor sees it" in mia.last_message().text
    sandbox.clock.advance(timedelta(weeks=1))
    replies = await mia.send("/checkin")
    replies = await answer_checkin(mia, replies[-1], mood="😄 5", note=None, contact=False)
    card = leo.last_message().text
    assert "Mood today: 😄 5/5" in card and "sleeping" not in card


async def test_goals_set_progress_shared_only_if_chosen_and_forgotten(sandbox: Sandbox) -> None:
    mia, leo = await pair_up(sandbox, chose=True)
    replies = await mia.send("/goals")
    assert "haven't set a goal" in replies[-1].text
    await mia.click(replies[-1], "Add a goal")
    replies = await mia.send("Walk <twice> a week")
    assert "Goal saved: Walk <twice> a week" in replies[0].text
    for extra in ("Call my sister", "Sleep before midnight"):
        await mia.click(mia.last_message(), "Add a goal")
        await mia.send(extra)
    assert "Add a goal" not in mia.last_message().button_labels  # three at most

    replies = await mia.send("/checkin")
    replies = await answer_checkin(mia, replies[-1], note=None, contact=False)
    assert "Your goal: Walk <twice> a week" in replies[-1].text
    replies = await mia.click(replies[-1], "Good progress")
    replies = await mia.click(replies[-1], "Some progress")
    replies = await mia.click(replies[-1], "Not started yet")
    replies = await answer_who5(mia, replies[-1], "Most of the time")
    assert "Walk" not in leo.last_message().text  # goals are private by default

    screen = (await mia.send("/goals"))[-1]
    await mia.click(screen, "Let my mentor see them")
    sandbox.clock.advance(timedelta(weeks=1))
    replies = await mia.send("/checkin")
    replies = await answer_checkin(mia, replies[-1], note=None, contact=False)
    for label in ("Done 🎉", "Some progress", "Some progress"):
        replies = await mia.click(replies[-1], label)
    card = leo.last_message().text
    assert "🎯 Walk <twice> a week: Done 🎉" in card and "Call my sister: Some progress" in card

    progress = (await mia.send("/progress"))[-1].text
    assert "Your goals" in progress and "Walk <twice> a week: Done" in progress
    await mia.send("/mydata")
    data = json.loads(sent_files(sandbox, "sendDocument")[-1]["document"])
    assert "Call my sister" in json.dumps(data, ensure_ascii=False)
    replies = await mia.send("/forget")
    await mia.click(replies[-1], "Yes, delete everything")
    assert await sandbox.db.fetch_value("SELECT COUNT(*) FROM goals") == 0
    assert await sandbox.db.fetch_value("SELECT COUNT(*) FROM sharing") == 0


async def test_goal_input_bad_cases(sandbox: Sandbox) -> None:
    mia, _leo = await pair_up(sandbox, chose=True)
    screen = (await mia.send("/goals"))[-1]
    await mia.click(screen, "Add a goal")
    replies = await mia.send("/cancel")
    assert "no new goal" in replies[-1].text
    replies = await mia.send("just a message")  # not taken as a goal any more
    assert await sandbox.db.fetch_value("SELECT COUNT(*) FROM goals") == 0
    leo_user = sandbox.user("Leo")
    replies = await leo_user.send("/goals")
    assert "Goals are for mentees" in replies[-1].text


async def test_member_shows_why_a_pair_is_flagged(sandbox: Sandbox) -> None:
    from storage import relay

    mia, leo = sandbox.user("Mia"), sandbox.user("Leo")
    mentee = await make_member(sandbox, mia, "mentee", "Sunny")
    mentor = await make_member(sandbox, leo, "mentor", "Oak")
    pair = await make_pair(sandbox, mentee, mentor)
    now = sandbox.clock.now()
    for number in range(12):  # one-sided: twelve from the mentee, none back
        await relay.record(
            sandbox.db,
            pair_id=pair.id,
            from_member_id=mentee.id,
            to_member_id=mentor.id,
            from_chat=mia.id,
            from_msg=500 + number,
            to_chat=leo.id,
            now=now,
            deliver_at=now,
            into_quiet=False,
            sender_night=False,
        )
    cleo = sandbox.group.coordinator("Cleo")
    text = (await cleo.send(f"/member {mentee.code}"))[0].text
    assert "Signals this week" in text
    assert f"{pair.code}: one-sided: 12 messages from the mentee, 0 from the mentor" in text
    digest = (await cleo.send("/digest"))[0].text
    assert f"{pair.code}: one-sided: 12 messages from the mentee" in digest


async def test_a_goal_can_be_set_at_the_end_of_the_intake(sandbox: Sandbox) -> None:
    from tests.flows.members_helpers import join_as_mentee

    ana = sandbox.user("Ana")
    await join_as_mentee(ana)
    done = ana.last_message()
    assert "You're all set" in done.text and done.button_labels == ["Set a goal"]
    await ana.click(done, "Set a goal")
    replies = await ana.send("Sleep before midnight")
    assert "Goal saved: Sleep before midnight" in replies[0].text
