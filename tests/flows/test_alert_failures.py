"""Loud failures on the coordinators' side: the bot removed from or muted in the group, the
group migrating to a supergroup, the fallback coordinators, `status`, and the member's own
crisis reply never waiting for any of it."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from conftest import shipped_content

from bot.ops.operations import alert_health_lines
from bot.sandbox import group_events
from bot.sandbox.harness import Sandbox, sandbox_settings
from tests.safety_helpers import escalation_rows, joined

HIGH = "i want to kill myself"
FALLBACK = 4242


@pytest.fixture
async def box(tmp_path: Path):  # type: ignore[no-untyped-def]
    """A sandbox with one fallback coordinator who started the bot in private."""
    sandbox = Sandbox(
        sandbox_settings(tmp_path, coordinator_fallback_ids=str(FALLBACK)),
        content=shipped_content(),
    )
    await sandbox.start()
    yield sandbox
    await sandbox.stop()
    assert sandbox.violations == []


async def test_removed_without_notice_logs_error_falls_back_and_status_fails(
    box: Sandbox,
    caplog: pytest.LogCaptureFixture,
) -> None:
    ana = box.user("Ana")
    await joined(box, ana)
    group_events.remove_bot_quietly(box, box.group.chat_id)
    with caplog.at_level(logging.WARNING):
        replies = await ana.send(HIGH)
    assert "988" in replies[0].text  # the member's reply came first, whatever the group
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert any(
        "coordinator-side message failed" in r.getMessage() and "forbidden" in r.getMessage()
        for r in errors
    )
    assert any("cannot be reached" in r.getMessage() for r in errors)
    [private] = box.fake.sent_to(FALLBACK)
    assert "cannot be reached" in private["text"] and "URGENT" in private["text"]
    assert HIGH not in private["text"]
    lines, failing = await alert_health_lines(box.db, box.clock.now())
    assert failing and any("failing alerts: 1" in line for line in lines)
    assert any("coordinators' group: removed" in line for line in lines)


async def test_removed_with_my_chat_member_then_added_back(
    box: Sandbox,
    caplog: pytest.LogCaptureFixture,
) -> None:
    ana = box.user("Ana")
    await joined(box, ana)
    with caplog.at_level(logging.ERROR):
        await group_events.bot_status(box, box.group.chat_id, "member", "left")
    assert any("cannot be reached (removed)" in r.getMessage() for r in caplog.records)
    await ana.send(HIGH)
    assert box.group.bot_messages() == []
    assert "URGENT" in box.fake.sent_to(FALLBACK)[-1]["text"]
    await group_events.bot_status(box, box.group.chat_id, "left", "member")
    await box.flush_outbox()
    assert "URGENT" in box.group.bot_messages()[-1].text  # open alerts posted again on return
    _lines, failing = await alert_health_lines(box.db, box.clock.now())
    assert not failing


async def test_muted_in_the_group_counts_as_unreachable(box: Sandbox) -> None:
    await group_events.bot_status(box, box.group.chat_id, "member", "restricted")
    lines, failing = await alert_health_lines(box.db, box.clock.now())
    assert failing and any("restricted" in line for line in lines)


async def test_group_migrated_to_a_supergroup_follows_it(
    box: Sandbox,
    caplog: pytest.LogCaptureFixture,
) -> None:
    ana = box.user("Ana")
    await joined(box, ana)
    new_id = -100_999_888
    group_events.migrate(box, box.group.chat_id, new_id)
    with caplog.at_level(logging.ERROR):
        await ana.send(HIGH)
        await box.flush_outbox()
    [alert] = [m for m in box.fake.sent_to(new_id) if "URGENT" in m["text"]]
    assert alert["reply_markup"]["inline_keyboard"][0][0]["text"] == "I'm on it"
    assert any(f"COORDINATOR_CHAT_ID={new_id}" in r.getMessage() for r in caplog.records)
    assert box.fake.sent_to(FALLBACK) == []  # nothing was lost, so no fallback needed
    assert box.services is not None and box.services.settings.coordinator_chat_id == new_id


async def test_added_to_a_new_group_posts_its_id_and_the_line_to_paste(box: Sandbox) -> None:
    await group_events.bot_status(box, -100_555, "left", "member", title="New group")
    [hello] = box.fake.sent_to(-100_555)
    assert "COORDINATOR_CHAT_ID=-100555" in hello["text"]


async def test_status_counts_overdue_alerts(sandbox: Sandbox) -> None:
    from datetime import timedelta

    ana = sandbox.user("Ana")
    await joined(sandbox, ana)
    await ana.send(HIGH)
    lines, failing = await alert_health_lines(sandbox.db, sandbox.clock.now())
    assert any("overdue alerts: 0" in line for line in lines) and not failing
    sandbox.clock.advance(timedelta(hours=2))
    lines, failing = await alert_health_lines(sandbox.db, sandbox.clock.now())
    assert any("overdue alerts: 1" in line for line in lines) and not failing


async def test_a_fallback_coordinator_can_take_the_alert_from_their_private_copy(
    box: Sandbox,
) -> None:
    ana = box.user("Ana")
    await joined(box, ana)
    await group_events.bot_status(box, box.group.chat_id, "member", "left")
    await ana.send(HIGH)
    cleo = box.user("Cleo", user_id=FALLBACK)
    copy = cleo.last_with_buttons()
    assert copy.button_labels == ["I'm on it"]  # writing to the member needs the group
    await cleo.click(copy, "I'm on it")
    rows = await escalation_rows(box)
    assert rows[-1]["status"] == "claimed" and rows[-1]["claimed_by_name"] == "Cleo"
    assert cleo.last_with_buttons().button_labels == ["✅ Resolved"]  # redrawn in private


async def test_an_alert_the_group_keeps_refusing_still_counts_as_failing_and_falls_back(
    box: Sandbox,
) -> None:
    from datetime import timedelta

    from bot.safety.escalation import raise_alert
    from storage import members

    ana = box.user("Ana")
    await joined(box, ana)
    member = await members.get_by_telegram_id(box.db, ana.id)
    box.fake.faults.queued = ["500"] * 1000  # Telegram down for a long while
    await raise_alert(box.services, member=member, severity="high", source="chat")
    await box.flush_outbox()
    query = "SELECT status, attempts FROM outbox WHERE kind = ? AND chat_id = ? ORDER BY id"
    for _ in range(12):
        await box.advance(timedelta(minutes=5))
    alert = await box.db.fetch_one(query, ("escalation", box.group.chat_id))
    assert alert is not None and alert["status"] == "pending" and alert["attempts"] > 8
    fallback = await box.db.fetch_one(query, ("escalation_fallback", FALLBACK))
    assert fallback is not None  # where any other row would give up, the fallback is told
    lines, failing = await alert_health_lines(box.db, box.clock.now())
    assert failing and any("failing alerts: 1" in line for line in lines)
    box.fake.faults.queued = []  # Telegram is back: the alert itself still arrives
    await box.advance(timedelta(minutes=5))
    alert = await box.db.fetch_one(query, ("escalation", box.group.chat_id))
    assert alert is not None and alert["status"] == "sent"
    privates = box.fake.sent_to(FALLBACK)  # one per state of the alert (re-alerts count)
    assert privates and all("URGENT" in private["text"] for private in privates)
