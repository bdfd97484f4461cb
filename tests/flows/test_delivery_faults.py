"""The sender's answers to Telegram's failures, through the sandbox's fault injection."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.delivery.lanes import Lane
from bot.delivery.outbox_hooks import message_payload
from bot.sandbox.client import SandboxUser
from bot.sandbox.harness import Sandbox
from storage import members, outbox
from tests.flows.scheduling_helpers import make_member

NOON = datetime(2026, 3, 4, 12, tzinfo=UTC)  # inside everyone's delivery window


async def queue(
    sandbox: Sandbox,
    user: SandboxUser,
    key: str,
    *,
    lane: Lane = Lane.SCHEDULED,
    text: str = "hello",
    member_id: int | None = None,
) -> None:
    """Queue one message for a user, due now."""
    now = sandbox.clock.now()
    await outbox.enqueue(
        sandbox.db,
        key=key,
        chat_id=user.id,
        lane=lane,
        kind="test",
        payload=message_payload(text),
        not_before=now,
        now=now,
        member_id=member_id,
    )


async def row(sandbox: Sandbox, key: str) -> outbox.OutboxItem:
    found = await sandbox.db.fetch_one(
        f"SELECT {outbox.OUTBOX_COLUMNS} FROM outbox WHERE idempotency_key = ?", (key,)
    )
    assert found is not None
    return outbox.item_from_row(found)


async def test_429_pauses_the_chat_and_the_row_is_retried_once(sandbox: Sandbox) -> None:
    ana = sandbox.user("Ana")
    sandbox.fake.faults.retry_after = 0.05  # type: ignore[assignment]  # keep the test short
    sandbox.fake.faults.queued = ["429"]
    await queue(sandbox, ana, "k")
    await sandbox.flush_outbox()
    assert [m.text for m in ana.bot_messages()] == ["hello"]
    assert sandbox.fake.counts_429 == 1
    assert (await row(sandbox, "k")).status == "sent"


async def test_5xx_is_retried_with_backoff(sandbox: Sandbox) -> None:
    ana = sandbox.user("Ana")
    sandbox.fake.faults.queued = ["500", "500"]
    await queue(sandbox, ana, "k")
    await sandbox.flush_outbox()
    first = await row(sandbox, "k")
    assert first.status == "pending" and first.attempts == 1 and ana.bot_messages() == []
    await sandbox.advance(timedelta(seconds=5))  # first retry after 5 s: fails again
    second = await row(sandbox, "k")
    assert second.attempts == 2 and ana.bot_messages() == []
    await sandbox.advance(timedelta(seconds=5))  # backoff doubled: not yet
    assert ana.bot_messages() == []
    await sandbox.advance(timedelta(seconds=5))
    assert [m.text for m in ana.bot_messages()] == ["hello"]


async def test_timed_out_scheduled_message_is_retried(sandbox: Sandbox) -> None:
    ana = sandbox.user("Ana")
    sandbox.fake.faults.queued = ["timeout"]
    await queue(sandbox, ana, "k")
    await sandbox.flush_outbox()
    assert ana.bot_messages() == []
    await sandbox.advance(timedelta(seconds=5))
    assert [m.text for m in ana.bot_messages()] == ["hello"]


async def test_timed_out_interactive_row_is_sent_again_twice_beats_never(sandbox: Sandbox) -> None:
    ana = sandbox.user("Ana")
    sandbox.fake.faults.queued = ["timeout_delivered"]  # it arrived, but we cannot know that
    await queue(sandbox, ana, "k", lane=Lane.INTERACTIVE)
    await sandbox.flush_outbox()
    await sandbox.advance(timedelta(minutes=10))
    assert [m.text for m in ana.bot_messages()] == ["hello", "hello"]
    assert (await row(sandbox, "k")).status == "sent"


async def test_403_marks_unreachable_tells_coordinators_once_and_holds_the_rest(
    sandbox: Sandbox,
) -> None:
    sandbox.clock.set(NOON)
    ana = sandbox.user("Ana")
    member = await make_member(sandbox, ana)
    sandbox.fake.blocked.add(ana.id)
    await queue(sandbox, ana, "k1", member_id=member.id)
    await queue(sandbox, ana, "k2", member_id=member.id)
    await sandbox.flush_outbox()
    refreshed = await members.get_by_id(sandbox.db, member.id)
    assert refreshed is not None and refreshed.unreachable
    notices = sandbox.group.bot_messages()
    assert len(notices) == 1 and member.code in notices[0].text
    # One row per chat is in flight, so the second is held, not thrown at the 403 as well.
    assert [(await row(sandbox, k)).status for k in ("k1", "k2")] == ["failed", "pending"]
    assert (await row(sandbox, "k1")).attempts == 1  # never retried
    # Later messages wait for them to come back rather than failing again.
    await queue(sandbox, ana, "k3", member_id=member.id)
    await sandbox.flush_outbox()
    assert (await row(sandbox, "k3")).status == "pending"
    sandbox.fake.blocked.discard(ana.id)
    await members.update_profile(sandbox.db, member.id, sandbox.clock.now(), unreachable=False)
    await sandbox.advance(timedelta(hours=1))
    assert [m.text for m in ana.bot_messages()] == ["hello", "hello"]  # k2 and k3
    assert len(sandbox.group.bot_messages()) == 1


async def test_400_is_never_retried(sandbox: Sandbox) -> None:
    ana = sandbox.user("Ana")
    await queue(sandbox, ana, "k", text="<b>unclosed")
    await sandbox.flush_outbox()
    await sandbox.advance(timedelta(minutes=10))
    item = await row(sandbox, "k")
    assert item.status == "failed" and item.attempts == 1 and item.payload == {}
    assert len(sandbox.fake.violations) == 1
    sandbox.fake.violations.clear()  # expected here; the fixture fails on any other


async def test_crisis_rows_ignore_quiet_hours_and_pauses(sandbox: Sandbox) -> None:
    sandbox.clock.set(datetime(2026, 3, 4, 23, tzinfo=UTC))  # quiet hours in UTC
    ana = sandbox.user("Ana")
    member = await make_member(sandbox, ana, paused_until="9999-12-31T00:00:00")
    await queue(sandbox, ana, "calm", member_id=member.id, text="later")
    await queue(sandbox, ana, "urgent", member_id=member.id, text="now", lane=Lane.CRISIS)
    await sandbox.flush_outbox()
    assert [m.text for m in ana.bot_messages()] == ["now"]
    assert (await row(sandbox, "calm")).status == "pending"


async def test_background_sender_delivers_and_stops_with_the_application(
    sandbox: Sandbox,
) -> None:
    import asyncio

    assert sandbox.app is not None and sandbox.services is not None
    ana = sandbox.user("Ana")
    running = [True]
    sender = asyncio.create_task(
        sandbox.services.outbox.run_forever(sandbox.app.bot, running=lambda: running[0])
    )
    arrived = asyncio.Event()
    sandbox.fake.on_call.append(lambda method, params: arrived.set())
    await queue(sandbox, ana, "k")
    sandbox.services.outbox.wake()
    await asyncio.wait_for(arrived.wait(), timeout=5)  # woken: the sender delivers at once
    await asyncio.sleep(0)
    assert [m.text for m in ana.bot_messages()] == ["hello"]
    running[0] = False
    sandbox.services.outbox.wake()
    await asyncio.wait_for(sender, timeout=2)  # returns: Application.stop would not hang


async def test_relayed_copy_is_rechecked_at_send_time(sandbox: Sandbox) -> None:
    sandbox.clock.set(NOON)
    ana, max_ = sandbox.user("Ana"), sandbox.user("Max")
    mentor = await make_member(sandbox, max_, role="mentor")
    await make_member(sandbox, ana)
    await ana.send_sticker()
    original = ana.messages()[0]  # what Ana sent, to be copied to her mentor
    # The relay queued the copy for now; Max paused a moment later (until 15:00).
    await members.update_profile(sandbox.db, mentor.id, NOON, paused_until="2026-03-04T15:00:00")
    await outbox.enqueue(
        sandbox.db,
        key="relay:1",
        chat_id=max_.id,
        lane=Lane.RELAY,
        kind="relay",
        method="copyMessage",
        member_id=mentor.id,
        payload={"from_chat_id": ana.id, "message_id": original.id},
        not_before=NOON,
        now=NOON,
    )
    await sandbox.flush_outbox()
    assert max_.bot_messages() == []
    await sandbox.advance(timedelta(hours=3))
    copies = max_.bot_messages()
    assert len(copies) == 1 and tuple(copies[0].raw["copied_from"]) == (ana.id, original.id)
