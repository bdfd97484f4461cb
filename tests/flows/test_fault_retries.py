"""Replies survive Telegram's 5xx; crisis replies survive timeouts; an edit that already took is done."""

from __future__ import annotations

import pytest

from bot import delivery
from bot.lanes import Lane
from bot.sandbox.harness import Sandbox
from storage import outbox


@pytest.fixture(autouse=True)
def no_pause(monkeypatch: pytest.MonkeyPatch) -> None:
    """Retry at once (the pause is real time)."""
    monkeypatch.setattr(delivery, "NETWORK_RETRY_PAUSE", 0.0)


async def test_a_direct_reply_is_sent_again_after_a_5xx(sandbox: Sandbox) -> None:
    ana = sandbox.user("Ana")
    sandbox.fake.faults.queued = ["500", "500"]
    replies = await ana.send("/help")
    assert len(replies) == 1 and "/crisis" in replies[0].text
    assert "Sorry" not in replies[0].text


async def test_three_5xx_in_a_row_end_in_the_apology(sandbox: Sandbox) -> None:
    ana = sandbox.user("Ana")
    sandbox.fake.faults.queued = ["500", "500", "500"]
    replies = await ana.send("/help")
    assert [r.text.split(",")[0] for r in replies] == ["Sorry"]


async def test_the_crisis_reply_is_sent_again_after_a_timeout(sandbox: Sandbox) -> None:
    ana = sandbox.user("Ana")
    sandbox.fake.faults.queued = ["timeout"]
    replies = await ana.send("/crisis")
    assert replies and "988" in replies[0].text


async def test_an_ordinary_reply_is_not_resent_after_a_timeout(sandbox: Sandbox) -> None:
    ana = sandbox.user("Ana")
    sandbox.fake.faults.queued = ["timeout_delivered"]
    replies = await ana.send("/help")
    helps = [r for r in replies if "/crisis" in r.text and "Sorry" not in r.text]
    assert len(helps) == 1  # it arrived once; never twice


async def test_an_edit_that_already_arrived_counts_as_sent(sandbox: Sandbox) -> None:
    ana = sandbox.user("Ana")
    shown = (await ana.send("/help"))[0]
    now = sandbox.clock.now()
    payload = {"message_id": shown.id, "text": shown.html, "parse_mode": "HTML"}
    await outbox.enqueue(sandbox.db, key="edit", chat_id=ana.id, lane=Lane.SCHEDULED, kind="t",
                         payload=payload, not_before=now, now=now, method="editMessageText")
    await sandbox.flush_outbox()  # Telegram: "message is not modified"
    status = await sandbox.db.fetch_value(
        "SELECT status FROM outbox WHERE idempotency_key = 'edit'")
    assert status == "sent"


async def test_button_answers_and_membership_checks_survive_429_and_5xx(sandbox: Sandbox) -> None:
    ana = sandbox.user("Ana")
    consent = (await ana.send("/start"))[1]
    sandbox.fake.faults.queued = ["429", "500"]  # the answerCallbackQuery, twice
    await ana.click(consent, "I agree")
    assert ana.answers() and "Sorry" not in ana.last_message().text
    cleo = sandbox.group.coordinator("Cleo")
    sandbox.fake.faults.queued = ["500", "timeout"]  # getChatMember: a read, safe to repeat
    assert await cleo.send("/audit")
