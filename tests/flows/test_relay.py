"""The relay through the sandbox: a full weekly cycle, media, holds, partners gone, bad input."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.sandbox.harness import Sandbox
from storage import engagement, members
from tests.flows.pairing_helpers import dump_tables, make_member, make_pair, paired
from tests.flows.test_checkin import answer_checkin, answer_who5

ALL_TABLES = (
    "members",
    "pairs",
    "outbox",
    "relay_messages",
    "checkins",
    "checkin_drafts",
    "reachouts",
    "engagement",
    "audit_log",
    "escalations",
    "reports",
    "conversations",
)


def copies(user_messages: list) -> list:
    """Messages in a chat that are the bot's copies of a partner's message."""
    return [m for m in user_messages if m.raw.get("copied_from")]


async def test_full_weekly_cycle_with_quiet_hours_hold(sandbox: Sandbox) -> None:
    mia, leo, mentee, _mentor, pair = await paired(sandbox)
    # Check-in asking for contact -> the mentor's card.
    replies = await mia.send("/checkin")
    replies = await answer_checkin(mia, replies[1], note=None, contact=True)
    await answer_who5(mia, replies[-1], "Most of the time")
    card = leo.last_message()
    assert "would like you to reach out" in card.text
    # [Message Sunny] then a message: relayed as a protected copy, acknowledged, reach-out done.
    replies = await leo.click(card, "Message Sunny")
    assert "next messages will go to Sunny" in replies[-1].text
    await leo.send("Hi Sunny, how are you holding up? <3 & hugs")
    await sandbox.flush_outbox()  # the acknowledgement follows the delivered copy
    hello = copies(mia.messages())[-1]
    assert hello.text == "Hi Sunny, how are you holding up? <3 & hugs"
    assert hello.raw["protect_content"] is True and hello.from_bot
    assert "Leo" not in str(hello.raw)  # the mentor's Telegram identity never shows
    assert leo.last_message().text == "✓ Delivered"
    assert leo.last_message().raw["reply_to_message_id"] == hello.raw["copied_from"][1]
    assert await sandbox.db.fetch_value("SELECT COUNT(*) FROM reachouts WHERE done_at IS NULL") == 0
    # Mia replies to the copy: Leo's copy threads onto his own original message.
    await mia.send("Better today, thanks", reply_to=hello)
    await sandbox.flush_outbox()
    answer = copies(leo.messages())[-1]
    assert answer.text == "Better today, thanks"
    assert answer.raw["reply_to_message_id"] == hello.raw["copied_from"][1]
    # 22:30 UTC: Leo is in his quiet hours (21:00-08:00): held, then released at 08:00.
    sandbox.clock.set(datetime(2026, 3, 2, 22, 30, tzinfo=UTC))
    before = len(copies(leo.messages()))
    replies = await mia.send("Can't sleep, thinking of our chat")
    assert (
        replies[-1].text
        == "⏸ Held until 08:00 Oak's time (their quiet hours). It will arrive then."
    )
    assert len(copies(leo.messages())) == before
    await sandbox.advance(timedelta(hours=9, minutes=31))  # 08:01
    assert copies(leo.messages())[-1].text == "Can't sleep, thinking of our chat"
    assert not mia.last_message().text.startswith("✓")  # no late "delivered" noise
    # Nothing anyone wrote is in the database.
    dump = await dump_tables(sandbox, *ALL_TABLES)
    for words in ("holding up", "Better today", "Can't sleep"):
        assert words not in dump
    assert await sandbox.db.fetch_value(
        "SELECT last_contact_at FROM pairs WHERE id = ?", (pair.id,)
    )
    relayed = await engagement.events(sandbox.db, "message_relayed")
    assert len(relayed) == 3 and all(e.value is None for e in relayed)
    assert mentee.id  # (the mentee exists; the mentor's quiet hours were the default)


async def test_media_album_long_text_and_edits(sandbox: Sandbox) -> None:
    mia, leo, *_ = await paired(sandbox)
    await mia.send_photo(caption="my garden")
    await mia.send_voice()
    await mia.send_sticker()
    long_text = "<i>not markup</i> & " + "x" * 5000
    await mia.send(long_text)
    received = copies(leo.messages())
    assert [
        bool(m.raw.get(k))
        for m, k in zip(received, ("photo", "voice", "sticker", "text"), strict=True)
    ] == [True] * 4
    assert received[-1].text == long_text
    # An album: three photos with one media group id -> three copies, one acknowledgement.
    await sandbox.flush_outbox()
    before_acks = sum(m.text == "✓ Delivered" for m in mia.bot_messages())
    for _ in range(3):
        await mia._message(
            photo=[{"file_id": "p", "file_unique_id": "p", "width": 9, "height": 9}],
            media_group_id="album-1",
        )
    assert len(copies(leo.messages())) == 7
    await sandbox.flush_outbox()
    assert sum(m.text == "✓ Delivered" for m in mia.bot_messages()) == before_acks + 1
    # Editing a relayed message: the partner keeps the first version, the sender is told.
    original = [m for m in mia.messages() if not m.from_bot and m.raw.get("text")][-1]
    replies = await mia.edit(original, "changed my mind")
    assert "Edits aren't passed on" in replies[-1].text
    assert copies(leo.messages())[3].text == long_text


async def test_unpaired_and_non_members_are_told_what_happens_next(sandbox: Sandbox) -> None:
    solo = sandbox.user("Solo")
    await make_member(sandbox, solo, "mentee", "Wren")
    replies = await solo.send("hello? anyone?")
    assert "not paired with a mentor yet" in replies[-1].text
    assert "What I can do" in replies[-1].text  # and what they can do meanwhile
    replies = await solo.send("I want to kill myself")  # only the crisis answer, nothing else
    assert len(replies) == 1 and "988" in replies[0].text
    mentor = sandbox.user("Max")
    await make_member(sandbox, mentor, "mentor", "Birch")
    assert "don't have a mentee" in (await mentor.send("ready to help"))[-1].text
    stranger = sandbox.user("Zed")
    assert "/start" in (await stranger.send("hi"))[-1].text


async def test_partner_blocked_the_bot(sandbox: Sandbox) -> None:
    mia, leo, *_ = await paired(sandbox)
    await leo.block()
    await mia.send("are you there?")
    await sandbox.tick()  # the next sweep explains the failed copy to Mia and coordinators
    assert "isn't reachable" in mia.last_message().text
    assert "This isn't about you" in mia.last_message().text
    notice = sandbox.group.bot_messages()[-1].text
    assert "blocked the bot" in notice and "are you there" not in notice
    replies = await mia.send("hello again")  # now known unreachable: not even queued
    assert "isn't reachable" in replies[-1].text


async def test_partner_who_forgot(sandbox: Sandbox) -> None:
    mia, _leo, _mentee, mentor, pair = await paired(sandbox)
    await sandbox.db.execute("DELETE FROM members WHERE id = ?", (mentor.id,))  # as /forget does
    replies = await mia.send("miss our chats")
    assert "has left the programme" in replies[-1].text
    assert pair.code in sandbox.group.bot_messages()[-1].text


async def test_boundary_prompt_send_anyway_and_cancel(sandbox: Sandbox) -> None:
    mia, leo, _mentee, _mentor, pair = await paired(sandbox)
    replies = await mia.send("text me on (415) 555-2671 or ana@example.org")
    prompt = replies[-1]
    assert "a phone number, an e-mail address" in prompt.text
    assert prompt.button_labels == ["Send anyway", "Cancel"]
    assert copies(leo.messages()) == []
    await mia.click(prompt, "Cancel")
    assert "wasn't sent" in mia.last_message().text and copies(leo.messages()) == []
    replies = await mia.send("let's meet up for coffee, I'm @sunny_days")
    assert "a Telegram username, a plan to meet" in replies[-1].text
    await mia.click(replies[-1], "Send anyway")
    assert copies(leo.messages())[-1].text.startswith("let's meet up")
    notice = sandbox.group.bot_messages()[-1].text
    assert pair.code in notice and "a Telegram username, a plan to meet" in notice
    assert "the mentee sent a message that looked as if it might contain" in notice
    assert "sunny_days" not in notice and "chose to send" not in notice
    await mia.click(replies[-1], "Send anyway")  # the old button again: nothing doubles
    assert len(copies(leo.messages())) == 1


async def test_a_greeting_is_not_a_plan_to_meet(sandbox: Sandbox) -> None:
    mia, leo, *_ = await paired(sandbox)
    await mia.send("Hi Max, nice to meet you. I am a bit nervous")
    assert copies(leo.messages())[-1].text == "Hi Max, nice to meet you. I am a bit nervous"
    await mia.send("Hola, encantada de conocerte. Mi terapeuta y yo nos vemos los martes")
    assert len(copies(leo.messages())) == 2
    assert not any("Send anyway" in m.button_labels for m in mia.bot_messages())
    replies = await mia.send("Nice to meet you! Shall we meet at the park on Sunday?")
    assert "a plan to meet" in replies[-1].text


async def test_crisis_language_is_delivered_with_a_note_to_the_mentor(sandbox: Sandbox) -> None:
    mia, leo, *_ = await paired(sandbox)
    replies = await mia.send("I want to kill myself")
    assert any("988" in r.text for r in replies)  # crisis lines for the sender at once
    assert "URGENT" in sandbox.group.bot_messages()[-1].text
    assert copies(leo.messages())[-1].text == "I want to kill myself"
    # The protocol reaches the mentor: as the escalation's crisis card where that feature sends
    # one for this episode, otherwise as the relay's own note after the message.
    assert any(
        "crisis protocol" in m.text or "going through a crisis" in m.text
        for m in leo.bot_messages()
    )


async def test_mentor_with_two_mentees_picks_or_replies(sandbox: Sandbox) -> None:
    mia, leo, _mentee, mentor, _pair = await paired(sandbox)
    ivy = sandbox.user("Ivy")
    second = await make_member(sandbox, ivy, "mentee", "Fern")
    await members.update_profile(sandbox.db, mentor.id, sandbox.clock.now(), capacity=2)
    await make_pair(sandbox, second, mentor)
    replies = await leo.send("Good morning!")
    assert "Who is this message for?" in replies[-1].text
    assert replies[-1].button_labels == ["Sunny", "Fern"]
    await leo.click(replies[-1], "Fern")
    assert copies(ivy.messages())[-1].text == "Good morning!" and copies(mia.messages()) == []
    await ivy.send("morning!")
    from_ivy = copies(leo.messages())[-1]
    await mia.send("hey")
    await leo.send("glad to hear", reply_to=from_ivy)  # a reply goes to whoever wrote it
    assert copies(ivy.messages())[-1].text == "glad to hear"
    assert [m.text for m in copies(mia.messages())] == []


async def test_message_deleted_before_a_held_copy_went_out(sandbox: Sandbox) -> None:
    mia, leo, *_ = await paired(sandbox)
    sandbox.clock.set(datetime(2026, 3, 2, 23, 0, tzinfo=UTC))
    await mia.send("something I regret")
    original = [m for m in mia.messages() if not m.from_bot][-1]
    sandbox.fake.messages[mia.id].pop(original.id)  # Mia deletes it in her app
    await sandbox.advance(timedelta(hours=9, minutes=1))  # Leo's morning: the copy fails
    await sandbox.tick()
    assert copies(leo.messages()) == []
    assert "couldn't pass this message on" in mia.last_message().text
