"""The priority rate limiter with small real rates: lane order, per-chat and group pacing, 429s.

Assertions are about order, never about wall-clock durations (each test runs well under 1 s).
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

from telegram.error import RetryAfter

from bot.delivery import PriorityRateLimiter
from bot.lanes import Lane, lane_args


async def run_requests(
    limiter: PriorityRateLimiter, requests: list[tuple[str, int, Lane]], fail_once: frozenset[str] = frozenset()
) -> list[str]:
    """Submit requests (label, chat, lane) in order; returns labels in the order they were sent."""
    sent: list[str] = []
    failed: set[str] = set()

    def callback_for(label: str) -> Any:
        async def callback() -> bool:
            if label in fail_once and label not in failed:
                failed.add(label)
                raise RetryAfter(timedelta(milliseconds=50))
            sent.append(label)
            return True

        return callback

    await limiter.initialize()
    try:
        await asyncio.gather(*(
            limiter.process_request(callback_for(label), (), {}, "sendMessage",
                                    {"chat_id": chat}, lane_args(lane))
            for label, chat, lane in requests
        ))
    finally:
        await limiter.shutdown()
    return sent


async def test_crisis_overtakes_everything_waiting() -> None:
    limiter = PriorityRateLimiter(global_per_second=100, chat_per_second=100)
    limiter.global_bucket.tokens = 0  # a wave is in progress: every slot is contended
    requests = [(f"b{i}", 10 + i, Lane.BROADCAST) for i in range(4)]
    requests += [("s", 20, Lane.SCHEDULED), ("r", 21, Lane.RELAY), ("i", 22, Lane.INTERACTIVE),
                 ("c", 23, Lane.CRISIS)]
    order = await run_requests(limiter, requests)
    assert order == ["c", "i", "r", "s", "b0", "b1", "b2", "b3"]


async def test_a_busy_chat_waits_while_others_go() -> None:
    limiter = PriorityRateLimiter(global_per_second=1000, chat_per_second=20, chat_burst=2)
    requests = [("a1", 1, Lane.SCHEDULED), ("a2", 1, Lane.SCHEDULED), ("a3", 1, Lane.SCHEDULED),
                ("a4", 1, Lane.SCHEDULED), ("b1", 2, Lane.SCHEDULED), ("b2", 2, Lane.SCHEDULED)]
    order = await run_requests(limiter, requests)
    assert order == ["a1", "a2", "b1", "b2", "a3", "a4"]


async def test_group_is_paced_per_minute_and_private_chats_pass() -> None:
    limiter = PriorityRateLimiter(global_per_second=1000, chat_per_second=1000,
                                  group_per_minute=1200, chat_burst=3)  # 20 a second, burst 3
    group = -100123
    requests = [(f"g{i}", group, Lane.SCHEDULED) for i in range(1, 6)]
    requests += [("p1", 5, Lane.SCHEDULED), ("p2", 6, Lane.SCHEDULED)]
    order = await run_requests(limiter, requests)
    assert order == ["g1", "g2", "g3", "p1", "p2", "g4", "g5"]


async def test_crisis_reply_is_not_held_by_its_chats_pacing() -> None:
    limiter = PriorityRateLimiter(global_per_second=1000, chat_per_second=1, chat_burst=1)
    assert await run_requests(limiter, [("s1", 1, Lane.SCHEDULED)]) == ["s1"]
    # The chat's token is spent (the next one is a second away), yet the crisis reply goes now.
    assert await run_requests(limiter, [("c", 1, Lane.CRISIS)]) == ["c"]
    assert limiter.chat_buckets[1].tokens < 0


async def test_429_pauses_only_that_chat_and_retries() -> None:
    limiter = PriorityRateLimiter(global_per_second=1000, chat_per_second=1000)
    requests = [("a", 1, Lane.SCHEDULED), ("b", 2, Lane.SCHEDULED), ("c", 3, Lane.SCHEDULED)]
    order = await run_requests(limiter, requests, fail_once={"a"})
    assert order == ["b", "c", "a"]
    assert limiter.retries_429 == 1


async def test_unpaced_methods_pass_straight_through() -> None:
    limiter = PriorityRateLimiter(global_per_second=1, chat_per_second=1)
    limiter.global_bucket.tokens = 0

    async def answer() -> bool:
        return True

    await limiter.initialize()
    assert await limiter.process_request(answer, (), {}, "answerCallbackQuery", {}, None)
    await limiter.shutdown()


async def test_gated_requests_go_one_at_a_time_and_ungated_ones_pass() -> None:
    from bot.delivery import GateTicket, SendGate

    limiter = PriorityRateLimiter(global_per_second=1000, chat_per_second=1000)
    gate = SendGate(1)
    sent: list[str] = []

    def request(label: str, chat: int, lane: Lane, ticket: GateTicket | None) -> Any:
        async def callback() -> bool:
            sent.append(label)
            return True

        args = {**lane_args(lane), **({"ticket": ticket} if ticket else {})}
        return limiter.process_request(callback, (), {}, "sendMessage", {"chat_id": chat}, args)

    await limiter.initialize()
    first, second = GateTicket(gate), GateTicket(gate)
    await request("a", 1, Lane.SCHEDULED, first)
    assert first.taken and not gate.has_room()  # held until its outcome is recorded
    waiting = asyncio.create_task(request("b", 2, Lane.SCHEDULED, second))
    await request("c", 3, Lane.CRISIS, None)
    assert sent == ["a", "c"]  # b waits for the gate, the crisis reply does not
    first.release()
    await waiting
    assert sent == ["a", "c", "b"] and second.taken
    second.release()
    assert gate.has_room()
    await limiter.shutdown()
