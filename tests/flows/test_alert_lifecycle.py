"""Alerts in the coordinators' group: raised, claimed, re-alerted while unclaimed, resolved."""

from __future__ import annotations

from datetime import timedelta

from bot.sandbox.client import SandboxMessage
from bot.sandbox.harness import Sandbox
from storage import audit, escalations
from tests.safety_helpers import engagement_values, escalation_rows, joined

HIGH = "i want to kill myself"


def alerts(sandbox: Sandbox) -> list[SandboxMessage]:
    """Crisis alerts in the group (other features post digests and notices there too)."""
    return [m for m in sandbox.group.bot_messages() if "Source:" in m.text]


async def _alert(sandbox: Sandbox) -> None:
    """A member writes something alarming; one alert lands in the group."""
    ana = sandbox.user("Ana")
    await joined(sandbox, ana, alias="Sunny")
    await ana.send(HIGH)


async def test_alert_shows_who_what_and_when_without_the_words(sandbox: Sandbox) -> None:
    await _alert(sandbox)
    [alert] = alerts(sandbox)
    rows = await escalation_rows(sandbox)
    assert rows[0]["member_code"] in alert.text and "Sunny" in alert.text and "mentee" in alert.text
    assert (
        "Source: something they wrote to the bot" in alert.text
        and "2026-03-02 09:00 UTC" in alert.text
    )
    assert "kill" not in alert.text
    assert alert.button_labels == ["I'm on it", "✉️ Message the member"]
    assert rows[0]["alert_message_id"] == alert.id  # remembered when the outbox sent it


async def test_claim_records_who_and_when_and_updates_the_alert(sandbox: Sandbox) -> None:
    await _alert(sandbox)
    cleo, dan = sandbox.group.coordinator("Cleo"), sandbox.group.coordinator("Dan")
    sandbox.clock.advance(timedelta(minutes=4))
    [alert] = alerts(sandbox)
    claim_data = alert.buttons[0][0][1]  # group messages are live: keep the old button's data
    await cleo.click(alert, "I'm on it")
    [edited] = alerts(sandbox)
    assert "Claimed by Cleo at 09:04 UTC (4 minutes after the alert)" in edited.text
    assert edited.button_labels == ["✅ Resolved", "✉️ Message the member"]
    assert "yours" in cleo.answers()[-1]["text"]
    rows = await escalation_rows(sandbox)
    assert rows[0]["status"] == "claimed" and rows[0]["claimed_by_name"] == "Cleo"
    assert await engagement_values(sandbox, "escalation_claimed") == [4]
    assert (await audit.recent(sandbox.db))[0].action == "escalation_claimed"

    await dan.press(alert, claim_data)  # a second coordinator, on the old buttons
    assert dan.answers()[-1]["text"] == "Already claimed by Cleo."
    assert (await escalation_rows(sandbox))[0]["claimed_by_name"] == "Cleo"


async def test_unclaimed_alert_is_raised_again_until_claimed(sandbox: Sandbox) -> None:
    await _alert(sandbox)
    await sandbox.advance(timedelta(minutes=10))
    assert len(alerts(sandbox)) == 1
    await sandbox.advance(timedelta(minutes=5))
    messages = alerts(sandbox)
    assert len(messages) == 2
    assert "Still unclaimed after 15 minutes (reminder 1)" in messages[-1].text
    assert messages[-1].button_labels == ["I'm on it", "✉️ Message the member"]
    assert messages[0].button_labels == [] and "see the newer message below" in messages[0].text
    await sandbox.advance(timedelta(minutes=15))
    assert len(alerts(sandbox)) == 2  # the next gap is longer: 30 minutes
    await sandbox.advance(timedelta(minutes=15))
    assert "reminder 2" in alerts(sandbox)[-1].text
    await sandbox.advance(timedelta(seconds=30))  # sweeps run often; nothing doubles
    assert len(alerts(sandbox)) == 3
    assert await engagement_values(sandbox, "escalation_realerted") == [1, 2]

    cleo = sandbox.group.coordinator("Cleo")
    await cleo.click(alerts(sandbox)[-1], "I'm on it")
    await sandbox.advance(timedelta(hours=2))
    assert len(alerts(sandbox)) == 3
    rows = await escalation_rows(sandbox)
    assert rows[0]["realerts"] == 2 and rows[0]["status"] == "claimed"


async def test_resolve_asks_for_an_outcome_and_closes_the_alert(sandbox: Sandbox) -> None:
    await _alert(sandbox)
    cleo = sandbox.group.coordinator("Cleo")
    await cleo.click(alerts(sandbox)[0], "I'm on it")
    sandbox.clock.advance(timedelta(minutes=30))
    await cleo.click(alerts(sandbox)[0], "Resolved")
    choice = alerts(sandbox)[0]
    false_alarm = next(data for label, data in choice.buttons[2] if label == "False alarm")
    assert "Reached, safe for now" in choice.button_labels and "↩️ Back" in choice.button_labels
    await cleo.click(choice, "Back")
    assert alerts(sandbox)[0].button_labels == ["✅ Resolved", "✉️ Message the member"]
    await cleo.click(alerts(sandbox)[0], "Resolved")
    await cleo.click(alerts(sandbox)[0], "Referred to services")
    final = alerts(sandbox)[0]
    assert "Resolved by Cleo at 09:30 UTC: Referred to services" in final.text
    assert final.button_labels == []
    rows = await escalation_rows(sandbox)
    assert rows[0]["status"] == "resolved" and rows[0]["outcome"] == "referred"
    assert await engagement_values(sandbox, "escalation_resolved") == [30]
    await cleo.press(choice, false_alarm)  # an old outcome button: nothing changes
    assert (await escalation_rows(sandbox))[0]["outcome"] == "referred"


async def test_new_episode_after_resolution_is_a_new_alert(sandbox: Sandbox) -> None:
    ana = sandbox.user("Ana")
    await joined(sandbox, ana)
    await ana.send(HIGH)
    cleo = sandbox.group.coordinator("Cleo")
    await cleo.click(alerts(sandbox)[0], "I'm on it")
    await cleo.click(alerts(sandbox)[0], "Resolved")
    await cleo.click(alerts(sandbox)[0], "Reached, safe")
    await ana.send(HIGH)
    assert len(await escalation_rows(sandbox)) == 2
    assert alerts(sandbox)[-1].button_labels == ["I'm on it", "✉️ Message the member"]


async def test_escalations_lists_open_alerts_with_their_age(sandbox: Sandbox) -> None:
    cleo = sandbox.group.coordinator("Cleo")
    assert "No open alerts" in (await cleo.send("/escalations"))[0].text
    await _alert(sandbox)
    bo = sandbox.user("Bo")
    await bo.send("im so tired of everything")
    sandbox.clock.advance(timedelta(minutes=7))
    listing = (await cleo.send("/escalations"))[0]
    lines = listing.text.splitlines()
    assert "Open alerts (2)" in lines[0]
    assert "🔴 high" in lines[1] and "7 minutes ago" in lines[1] and "unclaimed" in lines[1]
    assert "🟡 concern" in lines[2] and "pair -" in lines[2]
    assert listing.button_labels == ["I'm on it: #1", "I'm on it: #2"]
    await cleo.click(listing, "#1")
    alert = next(m for m in alerts(sandbox) if "URGENT" in m.text)
    assert "Claimed by Cleo" in alert.text  # the alert itself was updated
    listing = (await cleo.send("/escalations"))[0]
    assert "claimed by Cleo" in listing.text and listing.button_labels == ["I'm on it: #2"]


async def test_coordinator_commands_and_buttons_are_refused_elsewhere(sandbox: Sandbox) -> None:
    await _alert(sandbox)
    eve = sandbox.user("Eve")
    assert "don't know that command" in (await eve.send("/escalations"))[0].text
    assert "don't know that command" in (await eve.send("/reload"))[0].text
    outsider = sandbox.group.coordinator("Olly", status="left")
    await outsider.click(alerts(sandbox)[0], "I'm on it")
    assert (await escalation_rows(sandbox))[0]["status"] == "open"


async def test_a_long_list_of_open_alerts_fits_one_message(sandbox: Sandbox) -> None:
    assert sandbox.services is not None
    for _ in range(25):
        await escalations.open_new(
            sandbox.db,
            member_id=None,
            member_code=None,
            pair_id=None,
            severity="imminent",
            source="relay",
            now=sandbox.services.clock.now(),
            realert_after=timedelta(minutes=15),
        )
    await escalations.claim(
        sandbox.db, 1, by=1, name="A" * 64 + " " + "B" * 64, now=sandbox.services.clock.now()
    )
    listing = (await sandbox.group.coordinator("Cleo").send("/escalations"))[0]
    assert "Open alerts (25)" in listing.text and "… and 5 more." in listing.text
    assert len(listing.button_labels) == 19  # one claim button per unclaimed alert shown
