"""Replies survive Telegram's 5xx and timeouts (a run of failures hands them to the outbox);
an edit that already took is done."""

from __future__ import annotations

import pytest

from bot.delivery import limiter as delivery
from bot.delivery.lanes import Lane
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


async def test_a_run_of_5xx_hands_the_reply_to_the_outbox_and_it_arrives(sandbox: Sandbox) -> None:
    ana = sandbox.user("Ana")
    sandbox.fake.faults.queued = ["500", "500", "500"]  # every direct try fails
    replies = await ana.send("/help")  # the harness runs the outbox after each update
    assert len(replies) == 1 and "/crisis" in replies[0].text
    assert "Sorry" not in replies[0].text  # no apology: nothing was lost
    assert await sandbox.db.fetch_value("SELECT status FROM outbox WHERE kind = 'reply'") == "sent"


async def test_the_crisis_reply_is_sent_again_after_a_timeout(sandbox: Sandbox) -> None:
    ana = sandbox.user("Ana")
    sandbox.fake.faults.queued = ["timeout"]
    replies = await ana.send("/crisis")
    assert replies and "988" in replies[0].text


async def test_an_ordinary_reply_is_sent_again_after_a_timeout(sandbox: Sandbox) -> None:
    ana = sandbox.user("Ana")
    sandbox.fake.faults.queued = ["timeout"]
    replies = await ana.send("/help")
    assert len(replies) == 1 and "/crisis" in replies[0].text


async def test_a_timeout_that_hid_a_delivery_shows_the_reply_twice_never_zero_times(
    sandbox: Sandbox,
) -> None:
    ana = sandbox.user("Ana")
    sandbox.fake.faults.queued = ["timeout_delivered"]
    replies = await ana.send("/help")
    assert [("/crisis" in r.text) for r in replies] == [True, True]


async def test_a_press_that_cannot_be_answered_or_redrawn_still_moves_the_flow_on(
    sandbox: Sandbox,
) -> None:
    ana = sandbox.user("Ana")
    welcome = (await ana.send("/start"))[-1]
    # "I agree": answering the press fails three times, then taking its buttons off fails three
    # times; both are cosmetic, so the first intake question must still come.
    sandbox.fake.faults.queued = ["500"] * 6
    replies = await ana.click(welcome, welcome.buttons[0][0][0])
    assert sandbox.fake.faults.queued == []
    assert replies and "Sorry" not in replies[-1].text
    assert await sandbox.db.fetch_value("SELECT COUNT(*) FROM members") == 1  # consent kept
    assert replies[-1].buttons or "?" in replies[-1].text


async def test_an_edit_that_already_arrived_counts_as_sent(sandbox: Sandbox) -> None:
    ana = sandbox.user("Ana")
    shown = (await ana.send("/help"))[0]
    now = sandbox.clock.now()
    payload = {"message_id": shown.id, "text": shown.html, "parse_mode": "HTML"}
    await outbox.enqueue(
        sandbox.db,
        key="edit",
        chat_id=ana.id,
        lane=Lane.SCHEDULED,
        kind="t",
        payload=payload,
        not_before=now,
        now=now,
        method="editMessageText",
    )
    await sandbox.flush_outbox()  # Telegram: "message is not modified"
    status = await sandbox.db.fetch_value(
        "SELECT status FROM outbox WHERE idempotency_key = 'edit'"
    )
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


async def test_an_edit_telegram_keeps_failing_is_handed_over_and_lands(sandbox: Sandbox) -> None:
    ana = sandbox.user("Ana")
    menu = (await ana.send("/cope"))[0]
    # The press is answered, then editing the menu into a strategy fails on every direct try.
    sandbox.fake.faults.queued = [None, "500", "500", "500"]
    await ana.click(menu, "Anxious")  # the harness runs the outbox after each update
    shown = ana.bot_messages()[-1]
    assert shown.id == menu.id and "Slow breathing" in shown.text  # edited in place, late
    assert (
        await sandbox.db.fetch_value(
            "SELECT method || ':' || status FROM outbox WHERE kind = 'reply'"
        )
        == "editMessageText:sent"
    )
