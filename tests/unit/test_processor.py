"""Per-chat ordering with cross-chat concurrency, and the bound on running updates."""

from __future__ import annotations

import asyncio

from telegram import Chat, Message, Update

from bot.delivery.processor import PerChatUpdateProcessor, chat_key


def make_update(update_id: int, chat_id: int) -> Update:
    chat = Chat(chat_id, Chat.PRIVATE)
    return Update(update_id, message=Message(update_id, None, chat, text="x"))  # type: ignore[arg-type]


async def test_one_chat_in_order_other_chats_not_blocked() -> None:
    processor = PerChatUpdateProcessor(max_running=8)
    log: list[tuple[int, int]] = []
    slow_chat_started = asyncio.Event()
    release_slow = asyncio.Event()

    async def work(update_id: int, chat_id: int) -> None:
        if chat_id == 1 and update_id == 1:
            slow_chat_started.set()
            await release_slow.wait()
        log.append((chat_id, update_id))

    tasks = [
        asyncio.create_task(processor.process_update(make_update(i, c), work(i, c)))
        for i, c in [(1, 1), (2, 1), (3, 2), (4, 1), (5, 3)]
    ]
    await slow_chat_started.wait()
    await asyncio.sleep(0.01)
    # Chats 2 and 3 finished while chat 1 is stuck on its first update.
    assert (2, 3) in log and (3, 5) in log and all(chat != 1 for chat, _ in log)
    release_slow.set()
    await asyncio.gather(*tasks)
    assert [u for c, u in log if c == 1] == [1, 2, 4]
    assert processor._chat_locks == {}  # idle chats are forgotten


async def test_running_updates_are_bounded() -> None:
    processor = PerChatUpdateProcessor(max_running=3)
    running, peak = 0, 0

    async def work() -> None:
        nonlocal running, peak
        running += 1
        peak = max(peak, running)
        await asyncio.sleep(0.005)
        running -= 1

    await asyncio.gather(
        *(processor.process_update(make_update(i, i), work()) for i in range(1, 30))
    )
    assert peak == 3


def test_chat_key_for_updates_without_chat() -> None:
    assert chat_key(object()) is None
    assert chat_key(make_update(1, 42)) == 42
