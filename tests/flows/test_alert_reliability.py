"""Alerts that stay actionable and don't flood: re-alerts back off with a daily cap and stay in
one thread, claimed alerts remind, coordinators write to the member through the bot (even
after /forget or before joining), and /forget with an open alert finishes on resolve."""

from __future__ import annotations

import itertools
from datetime import timedelta

from bot.sandbox.client import SandboxMessage
from bot.sandbox.harness import Sandbox
from storage import escalations
from tests.safety_helpers import escalation_rows, joined

HIGH = "i want to kill myself"


def alerts(sandbox: Sandbox) -> list[SandboxMessage]:
    """Crisis alerts in the group."""
    return [m for m in sandbox.group.bot_messages() if "Source:" in m.text]


async def test_realerts_back_off_and_stop_at_the_daily_cap_over_days(sandbox: Sandbox) -> None:
    ana = sandbox.user("Ana")
    await joined(sandbox, ana)
    await ana.send(HIGH)
    first = alerts(sandbox)[0]
    posted_at = []
    # Three simulated days: a sweep every 15 minutes for the first hours, then hourly.
    for step in [timedelta(minutes=15)] * 12 + [timedelta(hours=1)] * 69:
        before = len(alerts(sandbox))
        await sandbox.advance(step)
        if len(alerts(sandbox)) > before:
            posted_at.append(sandbox.clock.now())
    gaps = [
        (later - earlier).total_seconds() / 60 for earlier, later in itertools.pairwise(posted_at)
    ]
    assert gaps[:3] == [30, 60, 60]  # 15, then 30, 60, then hourly
    # At most 8 a day (default), 104 in a weekend before: here 8 on each of the three days.
    per_day: dict[str, int] = {}
    for moment in posted_at:
        per_day[moment.date().isoformat()] = per_day.get(moment.date().isoformat(), 0) + 1
    assert max(per_day.values()) == 8  # never more than the cap in a day
    assert list(per_day.values())[:3] == [8, 8, 8]  # and back each morning until someone takes it
    sent = [params["text"] for method, params in sandbox.fake.calls if method == "sendMessage"]
    assert sum("today's last reminder" in text for text in sent) >= 3
    # Every re-alert is threaded under the first alert; older copies lose their buttons.
    replies = [m for m in alerts(sandbox)[1:]]
    assert all(m.raw.get("reply_to_message_id") == first.id for m in replies)
    assert [m for m in alerts(sandbox) if m.buttons] == [alerts(sandbox)[-1]]


async def test_back_off_schedule_and_cap_are_configurable(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from conftest import shipped_content

    from bot.sandbox.harness import sandbox_settings

    box = Sandbox(
        sandbox_settings(
            tmp_path, escalation_realert_minutes="10,20", escalation_realerts_per_day=2
        ),
        content=shipped_content(),
    )
    await box.start()
    try:
        ana = box.user("Ana")
        await joined(box, ana)
        await ana.send(HIGH)
        for _ in range(12):
            await box.advance(timedelta(minutes=10))
        assert len(alerts(box)) == 3  # the alert, then re-alerts at 10 and 30 minutes: cap 2
    finally:
        await box.stop()


async def test_claimed_alert_reminds_the_claimer_then_the_group(sandbox: Sandbox) -> None:
    ana = sandbox.user("Ana")
    await joined(sandbox, ana)
    await ana.send(HIGH)
    cleo = sandbox.group.coordinator("Cleo")
    await cleo.click(alerts(sandbox)[0], "I'm on it")
    await sandbox.advance(timedelta(minutes=119))
    assert sandbox.fake.sent_to(cleo.id) == []
    await sandbox.advance(timedelta(minutes=1))
    [private] = sandbox.fake.sent_to(cleo.id)
    assert "you took 2 h ago is still open" in private["text"]
    await sandbox.advance(timedelta(hours=2))
    group = sandbox.group.bot_messages()[-1]
    assert "taken by Cleo 4 h ago, is still open" in group.text
    assert group.raw["reply_to_message_id"] == alerts(sandbox)[0].id
    await sandbox.advance(timedelta(hours=2))  # then once a day, not every two hours
    assert sandbox.group.bot_messages()[-1].id == group.id
    await cleo.click(alerts(sandbox)[0], "Resolved")
    await cleo.click(alerts(sandbox)[0], "Reached, safe")
    await sandbox.advance(timedelta(days=2))
    assert sum("still open" in m.text for m in sandbox.group.bot_messages()) == 1


async def message_member(sandbox: Sandbox, words: str) -> None:
    """A coordinator presses [✉️ Message the member] and replies to the prompt."""
    cleo = sandbox.group.coordinator("Cleo")
    await cleo.click(alerts(sandbox)[-1], "Message the member")
    prompt = sandbox.group.bot_messages()[-1]
    assert "reply to this message" in prompt.text
    await cleo.send(words, reply_to=prompt)


async def test_coordinator_writes_to_the_member_through_the_bot(sandbox: Sandbox) -> None:
    ana = sandbox.user("Ana")
    await joined(sandbox, ana)
    await ana.send(HIGH)
    await message_member(sandbox, "Hi, I'm from the programme. <Are you safe?>")
    received = ana.last_message()
    assert "A message from the programme's coordinators" in received.text
    assert "<Are you safe?>" in received.text and "Cleo" not in received.text
    assert "Sent to member" in sandbox.group.bot_messages()[-1].text


async def test_someone_who_never_joined_can_still_be_reached(sandbox: Sandbox) -> None:
    zed = sandbox.user("Zed")
    crisis = (await zed.send("/crisis"))[0]
    await zed.click(crisis, "I'm not safe")
    assert "Someone who has not joined the programme" in alerts(sandbox)[-1].text
    assert "Member ?" not in alerts(sandbox)[-1].text
    await message_member(sandbox, "We're here. Can you call 911?")
    assert "We're here" in zed.last_message().text


async def test_forget_with_an_open_alert_keeps_only_the_way_to_reach_them(
    sandbox: Sandbox,
) -> None:
    ana = sandbox.user("Ana")
    member = await joined(sandbox, ana)
    crisis = (await ana.send("/crisis"))[0]
    await ana.click(crisis, "I'm not safe")
    ask = (await ana.send("/forget"))[0]
    done = (await ana.click(ask, "Yes, delete everything"))[-1]
    assert "except one thing" in done.text and "until that is closed" in done.text
    assert await sandbox.db.fetch_value("SELECT COUNT(*) FROM members") == 0
    alert = alerts(sandbox)[-1]
    assert member.code in alert.text and "asked to be forgotten" in alert.text
    assert "✉️ Message the member" in alert.button_labels
    await message_member(sandbox, "Still here for you.")
    assert "Still here for you." in ana.last_message().text
    cleo = sandbox.group.coordinator("Cleo")
    await cleo.click(alerts(sandbox)[-1], "I'm on it")
    await cleo.click(alerts(sandbox)[-1], "Resolved")
    await cleo.click(alerts(sandbox)[-1], "Reached, safe")
    row = await sandbox.db.fetch_one(
        "SELECT contact_chat_id, forget_pending, aftercare_at FROM escalations"
    )
    assert tuple(row) == (None, 0, None)  # the last link is gone; no aftercare either
    assert str(ana.id) not in str(
        [tuple(r) for r in await sandbox.db.fetch_all("SELECT * FROM escalations")]
    )
    [escalation] = await escalations.open_escalations(sandbox.db) or [None]
    assert escalation is None


async def test_message_button_on_a_resolved_alert_says_it_is_closed(sandbox: Sandbox) -> None:
    ana = sandbox.user("Ana")
    await joined(sandbox, ana)
    await ana.send(HIGH)
    cleo = sandbox.group.coordinator("Cleo")
    alert = alerts(sandbox)[-1]
    write = next(
        data
        for label, data in [button for row in alert.buttons for button in row]
        if "Message" in label
    )
    await cleo.click(alert, "I'm on it")
    await cleo.click(alerts(sandbox)[-1], "Resolved")
    await cleo.click(alerts(sandbox)[-1], "Reached, safe")
    await cleo.press(alert, write)
    assert "closed" in cleo.answers()[-1]["text"]
    assert len(await escalation_rows(sandbox)) == 1


async def test_the_member_can_reply_to_the_coordinators(sandbox: Sandbox) -> None:
    zed = sandbox.user("Zed")
    crisis = (await zed.send("/crisis"))[0]
    await zed.click(crisis, "I'm not safe")
    await message_member(sandbox, "We're here. Are you somewhere safe?")
    received = zed.last_message()
    assert received.button_labels == ["↩️ Reply to the coordinators"]
    await zed.click(received, "Reply to the coordinators")
    replies = await zed.send("not really, i want to die")
    assert "988" in replies[0].text  # crisis words are still answered at once
    assert "Sent to the coordinators" in replies[-1].text
    forwarded = sandbox.group.bot_messages()[-1]
    assert "replied: not really, i want to die" in forwarded.text
    assert forwarded.raw["reply_to_message_id"] == alerts(sandbox)[0].id
