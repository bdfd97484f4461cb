"""The priority rate limiter with small real rates: lane order, per-chat and group pacing, 429s.

Assertions are about order, never about wall-clock durations (each test runs well under 1 s).
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from telegram.error import BadRequest, RetryAfter, TimedOut

from bot.delivery.lanes import Lane, lane_args
from bot.delivery.limiter import PriorityRateLimiter


async def run_requests(
    limiter: PriorityRateLimiter,
    requests: list[tuple[str, int, Lane]],
    fail_once: frozenset[str] = frozenset(),
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
        await asyncio.gather(
            *(
                limiter.process_request(
                    callback_for(label), (), {}, "sendMessage", {"chat_id": chat}, lane_args(lane)
                )
                for label, chat, lane in requests
            )
        )
    finally:
        await limiter.shutdown()
    return sent


async def test_crisis_overtakes_everything_waiting() -> None:
    limiter = PriorityRateLimiter(global_per_second=100, chat_per_second=100)
    limiter.global_bucket.tokens = 0  # a wave is in progress: every slot is contended
    requests = [(f"b{i}", 10 + i, Lane.BROADCAST) for i in range(4)]
    requests += [
        ("s", 20, Lane.SCHEDULED),
        ("r", 21, Lane.RELAY),
        ("i", 22, Lane.INTERACTIVE),
        ("c", 23, Lane.CRISIS),
    ]
    order = await run_requests(limiter, requests)
    assert order == ["c", "i", "r", "s", "b0", "b1", "b2", "b3"]


async def test_a_busy_chat_waits_while_others_go() -> None:
    # 10 a second with at most 12 in any second: a burst of 2, then one every 0.1 s.
    limiter = PriorityRateLimiter(global_per_second=1000, chat_per_second=10, chat_burst=12)
    requests = [
        ("a1", 1, Lane.RELAY),
        ("a2", 1, Lane.RELAY),
        ("a3", 1, Lane.RELAY),
        ("a4", 1, Lane.RELAY),
        ("b1", 2, Lane.RELAY),
        ("b2", 2, Lane.RELAY),
    ]
    order = await run_requests(limiter, requests)
    assert order == ["a1", "a2", "b1", "b2", "a3", "a4"]


async def test_nudges_leave_a_chat_room_for_the_reply_that_follows() -> None:
    # A burst of 2 a chat: a nudge never takes the last one, so a reply or a relayed message
    # right after it goes at once, while a second nudge to that chat waits for the refill.
    limiter = PriorityRateLimiter(global_per_second=1000, chat_per_second=10, chat_burst=12)
    requests = [
        ("n1", 1, Lane.SCHEDULED),
        ("n2", 1, Lane.BROADCAST),
        ("n3", 1, Lane.SCHEDULED),
        ("other", 2, Lane.SCHEDULED),
    ]
    assert await run_requests(limiter, requests) == ["n1", "other", "n3", "n2"]
    limiter = PriorityRateLimiter(global_per_second=1000, chat_per_second=1, chat_burst=3)
    assert await run_requests(limiter, [("nudge", 1, Lane.SCHEDULED)]) == ["nudge"]
    # The chat has one token left: the reply takes it now (a second nudge would wait 1 s).
    pace = limiter.chat_buckets[1]
    sent_at = pace.bucket.stamp  # read the bucket as it was right after the nudge
    assert pace.wait_time(sent_at) == 0.0
    assert pace.wait_time(sent_at, reserve=1.0) == pytest.approx(1.0)
    assert await run_requests(limiter, [("reply", 1, Lane.INTERACTIVE)]) == ["reply"]


async def test_group_is_paced_per_minute_and_private_chats_pass() -> None:
    limiter = PriorityRateLimiter(
        global_per_second=1000, chat_per_second=1000, group_per_minute=1200, chat_burst=3
    )  # 20 a second, evenly
    group = -100123
    requests = [(f"g{i}", group, Lane.SCHEDULED) for i in range(1, 6)]
    requests += [("p1", 5, Lane.SCHEDULED), ("p2", 6, Lane.SCHEDULED)]
    order = await run_requests(limiter, requests)
    assert order == ["g1", "p1", "p2", "g2", "g3", "g4", "g5"]


async def test_crisis_reply_is_not_held_by_its_chats_pacing() -> None:
    limiter = PriorityRateLimiter(global_per_second=1000, chat_per_second=1, chat_burst=1)
    assert await run_requests(limiter, [("s1", 1, Lane.SCHEDULED)]) == ["s1"]
    # The chat's token is spent (the next one is a second away), yet the crisis reply goes now.
    assert await run_requests(limiter, [("c", 1, Lane.CRISIS)]) == ["c"]
    assert limiter.chat_buckets[1].bucket.tokens < 0


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
    from bot.delivery.pacing import GateTicket, SendGate

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


@settings(max_examples=300)
@example([(0.0, 0.25)] + [(0.0, 0.0)] * 25, True)  # a minute's steady pace after a late first
@example([(0.0, 0.25)] * 3 + [(0.0, 0.0)] * 3, False)  # a burst that reaches Telegram late
@given(
    st.lists(st.tuples(st.floats(0, 240), st.floats(0, 0.25)), min_size=1, max_size=300),
    st.booleans(),
)
def test_pacing_never_passes_telegrams_windows(
    asks: list[tuple[float, float]], group: bool
) -> None:
    """However requests arrive, and however late each reaches Telegram (up to 0.25 s after its
    grant), Telegram counts at most 3 in any second for a chat, and for a group also at most
    20 in any minute (its burst included)."""
    limiter = PriorityRateLimiter()
    pace = limiter._chat_bucket(-100 if group else 100)
    start = pace.bucket.stamp
    arrivals: list[float] = []
    moment = start
    # The dispatcher grants each request at its chat's first chance, in arrival order.
    for ask, transit in sorted(asks, key=lambda pair: pair[0]):
        moment = max(moment, start + ask)
        while (wait := pace.wait_time(moment)) > 0:
            moment += wait
        pace.take(moment)
        arrivals.append(moment + transit)
    arrivals.sort()
    for index, first in enumerate(arrivals):
        assert sum(1 for later in arrivals[index:] if later - first < 1.0) <= 3
        if group:
            assert sum(1 for later in arrivals[index:] if later - first < 60.0) <= 20


async def test_a_button_answer_that_is_too_old_or_keeps_failing_counts_as_answered() -> None:
    limiter = PriorityRateLimiter()
    failures = iter(
        [
            BadRequest("Query is too old and response timeout expired or query id is invalid"),
            TimedOut(),
            TimedOut(),
            TimedOut(),
        ]
    )

    async def answer() -> bool:
        raise next(failures)

    async def broken() -> bool:
        raise BadRequest("Message text is empty")

    await limiter.initialize()
    try:
        assert await limiter.process_request(answer, (), {}, "answerCallbackQuery", {}, None)
        assert await limiter.process_request(answer, (), {}, "answerCallbackQuery", {}, None)
        with pytest.raises(BadRequest):  # a real mistake in the request still surfaces
            await limiter.process_request(broken, (), {}, "answerCallbackQuery", {}, None)
    finally:
        await limiter.shutdown()


def test_the_send_gate_widens_with_the_round_trip() -> None:
    """Sends in flight follow rate x measured cycle, bounded 1-8; low lanes leave one place."""
    from bot.delivery.pacing import MAX_IN_FLIGHT, SendGate

    def settled(rate: float, seconds: float) -> SendGate:
        gate = SendGate(rate=rate)
        for _ in range(40):
            gate.observe(seconds)
        return gate

    assert settled(25, 0.003).size == 1  # sandbox speed: one at a time is already 25/s
    at_80, at_150 = settled(25, 0.083), settled(25, 0.153)
    assert 25 * 0.083 < at_80.size - 1 <= MAX_IN_FLIGHT  # pace kept, one place spare
    assert at_150.size - 1 > 25 * 0.153 and at_150.size > at_80.size
    assert settled(10_000, 0.1).size == MAX_IN_FLIGHT
    assert SendGate(4).size == 4 and SendGate(4).cycle is None  # fixed: observing changes nothing
    fixed = SendGate(4)
    fixed.observe(1.0)
    assert fixed.size == 4


def test_low_lanes_leave_a_place_for_replies() -> None:
    from bot.delivery.pacing import GateTicket, SendGate

    gate = SendGate(3)
    low = [GateTicket(gate, low=True) for _ in range(3)]
    low[0].take()
    low[1].take()
    assert not low[2].has_room()  # the third place is kept for a reply or relayed message
    reply = GateTicket(gate)
    assert reply.has_room()
    reply.take()
    assert not reply.has_room() and not gate.has_room()
    reply.release(completed=True)
    assert reply.has_room()
    one = SendGate(1)
    assert GateTicket(one, low=True).has_room()  # a gate of one keeps nothing back
