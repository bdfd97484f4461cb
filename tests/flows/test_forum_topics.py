"""Forum topics: in a forum coordinators' group each pair gets its own topic, created once."""

from __future__ import annotations

from bot.console.topics import pair_topic
from bot.delivery.notify import notify_coordinators
from bot.sandbox.harness import Sandbox
from storage import members, pairs


async def make_pair(sandbox: Sandbox) -> pairs.Pair:
    ids = []
    for name in ("Ana", "Bo"):
        person = sandbox.user(name)
        await person.click((await person.send("/start"))[1], "I agree")
        member = await members.get_by_telegram_id(sandbox.db, person.id)
        assert member is not None
        ids.append(member.id)
    return await pairs.create(
        sandbox.db, mentee_id=ids[0], mentor_id=ids[1], approved_by=None, now=sandbox.clock.now()
    )


def topic_calls(sandbox: Sandbox) -> int:
    return sum(1 for method, _ in sandbox.fake.calls if method == "createForumTopic")


async def test_forum_group_gets_one_topic_per_pair_and_notices_go_there(sandbox: Sandbox) -> None:
    sandbox.fake.chats[sandbox.group.chat_id]["is_forum"] = True
    pair = await make_pair(sandbox)
    assert sandbox.app is not None and sandbox.services is not None
    topic = await pair_topic(sandbox.services, sandbox.app.bot, pair)
    assert topic is not None
    assert await pair_topic(sandbox.services, sandbox.app.bot, pair) == topic
    assert topic_calls(sandbox) == 1
    stored = await pairs.get(sandbox.db, pair.id)
    assert stored is not None and stored.forum_topic_id == topic
    await notify_coordinators(sandbox.services, key="t1", text="summary", pair=pair)
    await sandbox.flush_outbox()
    assert sandbox.group.bot_messages()[-1].raw["message_thread_id"] == topic
    await notify_coordinators(sandbox.services, key="t2", text="general")  # old callers unchanged
    await sandbox.flush_outbox()
    assert "message_thread_id" not in sandbox.group.bot_messages()[-1].raw


async def test_ordinary_group_has_no_topics(sandbox: Sandbox) -> None:
    pair = await make_pair(sandbox)
    assert sandbox.app is not None and sandbox.services is not None
    assert await pair_topic(sandbox.services, sandbox.app.bot, pair) is None
    assert topic_calls(sandbox) == 0
    await notify_coordinators(sandbox.services, key="t3", text="summary", pair=pair)
    await sandbox.flush_outbox()
    assert "message_thread_id" not in sandbox.group.bot_messages()[-1].raw


async def test_console_answers_in_the_topic_it_was_asked_in(sandbox: Sandbox) -> None:
    sandbox.fake.chats[sandbox.group.chat_id]["is_forum"] = True
    cleo = sandbox.group.coordinator("Cleo")
    await cleo._message(
        text="/dashboard",
        entities=[{"type": "bot_command", "offset": 0, "length": 10}],
        message_thread_id=77,
        is_topic_message=True,
    )
    sends = [(m, p) for m, p in sandbox.fake.calls if m in ("sendPhoto", "sendMessage")]
    assert [m for m, _ in sends] == ["sendPhoto", "sendMessage"]
    assert all(params.get("message_thread_id") == 77 for _, params in sends)
