"""Check-ins through the sandbox: prompt button, questions, WHO-5, mentor card, reach-out."""

from __future__ import annotations

from datetime import timedelta

from bot.core.clock import to_db
from bot.delivery.lanes import Lane
from bot.delivery.outbox_hooks import message_payload
from bot.sandbox.client import SandboxMessage, SandboxUser
from bot.sandbox.harness import Sandbox
from storage import engagement, members, outbox
from tests.flows.pairing_helpers import dump_tables, make_member, paired

WHO5_ANCHORS = [
    "All of the time",
    "Most of the time",
    "More than half of the time",
    "Less than half of the time",
    "Some of the time",
    "At no time",
]


async def answer_checkin(
    user: SandboxUser,
    first: SandboxMessage,
    *,
    mood: str = "🙂 4",
    note: str | None = "Work was a lot",
    share: bool = True,
    contact: bool = True,
) -> list[SandboxMessage]:
    """Answer the default questions; returns the bot's replies after the contact question.
    A first check-in's sharing choices, if asked, keep the programme's defaults."""
    first = await keep_default_sharing(user, first)
    replies = await user.click(first, mood)
    replies = await user.click(replies[-1], "So-so")
    replies = await user.click(replies[-1], "A lot")
    if note is None:
        replies = await user.click(replies[-1], "Skip")
    else:
        replies = await user.send(note)
        replies = await user.click(replies[-1], "Yes, share" if share else "No, keep")
    return await user.click(replies[-1], "Yes" if contact else "No")


SHARING_QUESTIONS = ("May your mentor see your", "should I ask each time")


async def keep_default_sharing(user: SandboxUser, message: SandboxMessage) -> SandboxMessage:
    """Answer the first check-in's sharing questions with the programme's defaults."""
    defaults = {
        "mood": "Yes, they may",
        "sleep": "Yes, they may",
        "stress": "Yes, they may",
        "note": "Ask me each time",
        "goals": "No, keep it",
    }
    while any(question in message.text for question in SHARING_QUESTIONS):
        item = next(
            (
                i
                for i in defaults
                if f"your {i}?" in message.text or (i == "note" and "a note" in message.text)
            ),
            "mood",
        )
        message = (await user.click(message, defaults[item]))[-1]
    return message


async def answer_who5(user: SandboxUser, first: SandboxMessage, label: str) -> list[SandboxMessage]:
    """Give the same answer to all five WHO-5 items."""
    replies = [first]
    for _ in range(5):
        replies = await user.click(replies[-1], label)
    return replies


async def test_prompt_button_checkin_who5_and_mentor_card(sandbox: Sandbox) -> None:
    mia, leo, mentee, _mentor, _pair = await paired(sandbox)
    assert sandbox.services is not None
    await sandbox.db.execute(
        "DELETE FROM sharing"
    )  # Mia has not chosen yet: her first check-in asks
    # The scheduling engineer's weekly prompt carries exactly this signed button.
    now = sandbox.clock.now()
    await outbox.enqueue(
        sandbox.db,
        key="checkin:test",
        chat_id=mia.id,
        lane=Lane.SCHEDULED,
        kind="checkin_prompt",
        payload=message_payload(
            "Time for your check-in",
            [[("Check in", sandbox.services.signer.sign("checkin", "start"))]],
        ),
        not_before=now,
        now=now,
    )
    await sandbox.flush_outbox()
    replies = await mia.click(mia.last_message(), "Check in")
    assert "Thanks for checking in" in replies[0].text
    assert "you decide what your mentor sees" in replies[1].text  # first check-in only
    mood = await keep_default_sharing(mia, replies[1])
    assert mood.text == "How has your mood been this week?"
    assert mood.button_labels == ["😞 1", "😕 2", "😐 3", "🙂 4", "😄 5"]
    replies = await answer_checkin(mia, mood, note="<b>rough</b> & tired")
    # First check-in ever: WHO-5 at start, official wording and anchors.
    assert "Over the last two weeks" in replies[-1].text
    assert "I have felt cheerful and in good spirits" in replies[-1].text
    assert replies[-1].button_labels == WHO5_ANCHORS
    replies = await answer_who5(mia, replies[-1], "Most of the time")
    assert "Your check-in is saved" in replies[0].text
    assert not any("professional" in r.text for r in replies)  # 4*5*4 = 80: not low
    score = await sandbox.db.fetch_value(
        "SELECT score FROM measures WHERE member_id = ?", (mentee.id,)
    )
    assert score == 80
    card = leo.last_message()
    assert "Sunny checked in" in card.text and "Mood today: 🙂 4/5" in card.text
    assert "In their words: <b>rough</b> & tired" in card.text  # escaped, shown literally
    assert "would like you to reach out" in card.text
    assert card.button_labels == ["Message Sunny", "I've reached out"]
    assert "Recent weeks" not in card.text  # no history yet
    events = await engagement.events(sandbox.db, "checkin_done")
    assert [e.value for e in events] == [4.0]
    assert [e.value for e in await engagement.events(sandbox.db, "who5_score")] == [80.0]
    # The note is not kept anywhere once the card went out.
    assert "rough" not in await dump_tables(sandbox, "checkins", "checkin_drafts", "outbox")


async def test_second_checkin_same_week_updates_and_trend_shows(sandbox: Sandbox) -> None:
    mia, leo, _mentee, *_ = await paired(sandbox)
    replies = await mia.send("/checkin")
    replies = await answer_checkin(mia, replies[1], mood="😕 2", note=None, contact=False)
    await answer_who5(mia, replies[-1], "At no time")
    for mood in ("😐 3", "🙂 4"):
        await sandbox.advance(timedelta(days=7))
        replies = await mia.send("/checkin")
        await answer_checkin(mia, replies[1], mood=mood, note=None, contact=False)
    await sandbox.advance(timedelta(minutes=5))
    replies = await mia.send("/checkin")  # same week again
    assert "already checked in this week" in replies[0].text
    await answer_checkin(
        mia, replies[1], mood="😄 5", note="private words", share=False, contact=False
    )
    rows = await sandbox.db.fetch_all("SELECT period, mood FROM checkins ORDER BY period")
    assert [r["mood"] for r in rows] == [2, 3, 5]
    assert len(await engagement.events(sandbox.db, "checkin_done")) == 3
    card = leo.last_message()
    assert "Recent weeks: 😕 → 😐 → 😄" in card.text
    assert "private words" not in card.text
    assert "didn't ask for contact" in card.text


async def test_low_who5_suggests_help_and_tells_coordinators_band_only(sandbox: Sandbox) -> None:
    mia, _leo, *_ = await paired(sandbox)
    replies = await mia.send("/checkin")
    replies = await answer_checkin(mia, replies[1], note=None)
    replies = await answer_who5(mia, replies[-1], "Some of the time")  # 5 x 1 x 4 = 20
    low = [r for r in replies if "talk with a professional" in r.text]
    assert low and "1-800-950-6264" in low[0].text  # NAMI, from the US referral directory
    notice = sandbox.group.bot_messages()[-1].text
    assert "low" in notice and "WHO5" in notice and "20" not in notice


async def test_text_instead_of_buttons_and_resume_after_restart(sandbox: Sandbox) -> None:
    mia = sandbox.user("Mia")
    await make_member(sandbox, mia, "mentee", "Sunny")
    replies = await mia.send("/checkin")
    replies = await mia.send("pretty good")  # text where a button is expected
    assert replies[-1].text == "Please choose one of the buttons below."
    assert replies[-1].button_labels[0] == "😞 1"
    replies = await mia.click(replies[-1], "😐 3")
    await sandbox.restart()
    replies = await mia.send_sticker()  # still in the check-in after a restart
    assert replies[-1].button_labels == ["Badly", "So-so", "Well"]
    replies = await mia.send("/checkin")
    assert "pick up where you left off" in replies[0].text
    assert "sleeping" in replies[1].text


async def test_stale_button_and_abandoned_checkin(sandbox: Sandbox) -> None:
    mia = sandbox.user("Mia")
    await make_member(sandbox, mia, "mentee", "Sunny")
    replies = await mia.send("/checkin")
    mood_question = replies[1]
    await mia.click(mood_question, "😐 3")
    await mia.click(mood_question, "😄 5")  # the same old button again
    assert "expired" in mia.answers()[-1]["text"]
    await sandbox.advance(timedelta(days=4))  # abandoned: the draft is forgotten
    assert await sandbox.db.fetch_value("SELECT COUNT(*) FROM checkin_drafts") == 0
    replies = await mia.send("back again")
    assert "set it aside" in replies[-1].text
    replies = await mia.send("hello")  # the flow has ended: ordinary messages again
    assert "not paired with a mentor yet" in replies[-1].text


async def test_reachout_reminders_after_24_and_48_hours(sandbox: Sandbox) -> None:
    mia, leo, *_ = await paired(sandbox)
    replies = await mia.send("/checkin")
    replies = await answer_checkin(mia, replies[1], note=None)
    await answer_who5(mia, replies[-1], "Most of the time")
    await sandbox.advance(timedelta(hours=24, minutes=1))
    assert "gentle reminder" in leo.last_message().text
    await sandbox.advance(timedelta(hours=24))
    assert "hasn't reached out" in sandbox.group.bot_messages()[-1].text
    replies = await leo.click(leo.last_message(), "I've reached out")
    assert await sandbox.db.fetch_value("SELECT COUNT(*) FROM reachouts WHERE done_at IS NULL") == 0
    assert len(await engagement.events(sandbox.db, "reachout_done")) == 1


async def test_mentor_gets_pulse_instead_and_non_member_is_pointed_to_start(
    sandbox: Sandbox,
) -> None:
    _mia, leo, *_ = await paired(sandbox)
    assert "pulse" in (await leo.send("/checkin"))[0].text
    stranger = sandbox.user("Zed")
    assert "/start" in (await stranger.send("/checkin"))[0].text


async def test_spanish_mentee_and_closure_measure(sandbox: Sandbox) -> None:
    mia, leo, mentee, _mentor, pair = await paired(sandbox)
    await members.update_profile(sandbox.db, mentee.id, sandbox.clock.now(), language="es")
    replies = await mia.send("/checkin")
    assert replies[1].text == "¿Cómo ha estado tu ánimo esta semana?"
    replies = await mia.click(replies[1], "🙂 4")
    replies = await mia.click(replies[-1], "Regular")
    replies = await mia.click(replies[-1], "Mucho")
    replies = await mia.click(replies[-1], "Saltar")
    replies = await mia.click(replies[-1], "Sí")
    assert "Me he sentido alegre y de buen humor" in replies[-1].text
    await answer_who5(mia, replies[-1], "La mayor parte del tiempo")
    assert "Sunny checked in" in leo.last_message().text  # the mentor reads their own language
    assert "So-so" in leo.last_message().text
    # One week later the pair is about to close: WHO-5 again, recorded as the closure measure.
    await sandbox.advance(timedelta(days=7))
    ends = to_db(sandbox.clock.now() + timedelta(days=3))
    await sandbox.db.execute("UPDATE pairs SET ends_at = ? WHERE id = ?", (ends, pair.id))
    replies = await mia.send("/checkin")
    for label in ("🙂 4", "Regular", "Mucho", "Saltar", "No"):
        replies = await mia.click(replies[-1], label)
    await answer_who5(mia, replies[-1], "Todo el tiempo")
    rows = await sandbox.db.fetch_all("SELECT occasion, score FROM measures ORDER BY id")
    assert [tuple(r) for r in rows] == [("start", 80), ("closure", 100)]
