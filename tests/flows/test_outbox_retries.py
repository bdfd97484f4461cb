"""The sender under sustained refusal: 429s cost no attempt, crisis rows never give up while the
member is reachable, and a row that fails for good is logged at ERROR."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest

from bot.delivery.lanes import Lane
from bot.sandbox.harness import Sandbox
from tests.flows.test_delivery_faults import queue, row


async def test_a_long_flood_of_429s_does_not_use_up_the_attempts(sandbox: Sandbox) -> None:
    ana = sandbox.user("Ana")
    sandbox.fake.faults.retry_after = 2
    sandbox.fake.faults.queued = ["429"] * 12  # more refusals than MAX_ATTEMPTS
    await queue(sandbox, ana, "k", text="a note that must arrive")
    await sandbox.flush_outbox()
    for _ in range(12):
        assert (await row(sandbox, "k")).attempts == 0
        await sandbox.advance(timedelta(seconds=2))
    assert [m.text for m in ana.bot_messages()] == ["a note that must arrive"]
    item = await row(sandbox, "k")
    assert item.status == "sent" and item.attempts == 1 and sandbox.fake.counts_429 == 12


async def test_429s_count_again_once_a_row_has_waited_six_hours(sandbox: Sandbox) -> None:
    ana = sandbox.user("Ana")
    await queue(sandbox, ana, "k")
    sandbox.clock.advance(timedelta(hours=7))
    sandbox.fake.faults.queued = ["429"]
    await sandbox.flush_outbox()
    assert (await row(sandbox, "k")).attempts == 1


async def test_a_crisis_row_is_retried_until_it_is_delivered(sandbox: Sandbox) -> None:
    ana = sandbox.user("Ana")
    sandbox.fake.faults.queued = ["500"] * 40  # Telegram down for a long while
    await queue(sandbox, ana, "k", lane=Lane.CRISIS, text="crisis lines")
    await sandbox.flush_outbox()
    for _ in range(30):
        if ana.bot_messages():
            break
        assert (await row(sandbox, "k")).status == "pending"
        await sandbox.advance(timedelta(minutes=5))
    assert [m.text for m in ana.bot_messages()] == ["crisis lines"]
    item = await row(sandbox, "k")
    assert item.status == "sent" and item.attempts > 8


async def test_a_row_that_fails_for_good_is_logged_as_an_error(
    sandbox: Sandbox, caplog: pytest.LogCaptureFixture
) -> None:
    ana = sandbox.user("Ana")
    sandbox.fake.faults.queued = ["500"] * 8
    await queue(sandbox, ana, "k")
    with caplog.at_level(logging.WARNING, logger="bot.delivery.outbox"):
        await sandbox.flush_outbox()
        for _ in range(8):
            await sandbox.advance(timedelta(minutes=5))
    assert (await row(sandbox, "k")).status == "failed"
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors) == 1 and "failed for good after 8 attempts" in errors[0].getMessage()
    assert ana.bot_messages() == []
