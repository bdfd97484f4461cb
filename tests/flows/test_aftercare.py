"""Aftercare: the next-day check after an alert is resolved (configurable, skippable, quiet
hours), and the personal safety plan (/safetyplan: private, editable, in /mydata, deleted by
/forget, offered after a crisis, shown first by /crisis)."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from conftest import shipped_content

from bot.sandbox.client import SandboxMessage, SandboxUser
from bot.sandbox.harness import Sandbox, sandbox_settings
from storage import members
from tests.safety_helpers import escalation_rows, joined

HIGH = "i want to kill myself"


def alerts(sandbox: Sandbox) -> list[SandboxMessage]:
    """Crisis alerts in the group."""
    return [m for m in sandbox.group.bot_messages() if "Source:" in m.text]


async def resolved_alert(
    sandbox: Sandbox, user: SandboxUser, outcome: str = "Reached, safe"
) -> None:
    """The member writes something alarming; a coordinator takes it and resolves it."""
    await user.send(HIGH)
    cleo = sandbox.group.coordinator("Cleo")
    await cleo.click(alerts(sandbox)[-1], "I'm on it")
    await cleo.click(alerts(sandbox)[-1], "Resolved")
    await cleo.click(alerts(sandbox)[-1], outcome)


async def test_next_day_check_after_resolve_and_its_answers(sandbox: Sandbox) -> None:
    ana = sandbox.user("Ana")
    await joined(sandbox, ana, alias="Sunny")
    await resolved_alert(sandbox, ana)
    await sandbox.advance(timedelta(hours=19))
    assert "checking in after yesterday" not in ana.last_message().text
    await sandbox.advance(timedelta(hours=5))  # due at 05:00, sent after the night's quiet hours
    check = ana.last_message()
    assert "Hi Sunny, I'm checking in after yesterday" in check.text
    assert check.button_labels == ["🙂 Doing OK", "😔 Still struggling", "Skip"]
    await sandbox.advance(timedelta(days=2))  # once only
    assert ana.last_message().id == check.id
    ok = (await ana.click(check, "Doing OK"))[0]
    assert "really glad" in ok.text and "📋 Make a safety plan" in ok.button_labels
    skip = (await ana.click(check, "Skip"))[0]
    assert "I'm here whenever" in skip.text
    struggling = (await ana.click(check, "Still struggling"))[0]
    assert "988" in struggling.text
    rows = await escalation_rows(sandbox)
    assert [row["severity"] for row in rows] == ["high", "concern"]  # the coordinators know


async def test_next_day_check_waits_for_the_end_of_quiet_hours(sandbox: Sandbox) -> None:
    ana = sandbox.user("Ana")
    member = await joined(sandbox, ana)
    await members.update_profile(
        sandbox.db,
        member.id,
        sandbox.clock.now(),
        quiet_start="02:00",
        quiet_end="10:00",
        timezone="UTC",
    )
    await resolved_alert(sandbox, ana)  # resolved at 09:00 UTC: due 05:00 the next day
    await sandbox.advance(timedelta(hours=21))  # 06:00, inside quiet hours
    assert "checking in after yesterday" not in ana.last_message().text
    await sandbox.advance(timedelta(hours=4))  # 10:00
    assert "checking in after yesterday" in ana.last_message().text


async def test_no_check_after_a_false_alarm(sandbox: Sandbox) -> None:
    ana = sandbox.user("Ana")
    await joined(sandbox, ana)
    await resolved_alert(sandbox, ana, outcome="False alarm")
    await sandbox.advance(timedelta(days=2))
    assert "checking in after yesterday" not in ana.last_message().text


async def test_no_check_when_switched_off(tmp_path: Path) -> None:
    box = Sandbox(sandbox_settings(tmp_path, aftercare_enabled=False), content=shipped_content())
    await box.start()
    try:
        ana = box.user("Ana")
        await joined(box, ana)
        await resolved_alert(box, ana)
        await box.advance(timedelta(days=2))
        assert "checking in after yesterday" not in ana.last_message().text
    finally:
        await box.stop()


async def test_safety_plan_is_written_step_by_step_and_shown_first_by_crisis(
    sandbox: Sandbox,
) -> None:
    ana = sandbox.user("Ana")
    await joined(sandbox, ana)
    plan = (await ana.send("/safetyplan"))[0]
    assert "My safety plan" in plan.text and plan.text.count("(not written yet)") == 7
    assert len(plan.buttons) == 8
    await ana.click(plan, "Warning signs")
    replies = await ana.send("I stop answering messages <and> stay in bed")
    assert replies[0].text.startswith("Saved")
    await ana.click(replies[-1], "My reasons for living")
    await ana.send("My sister and my dog")
    crisis = await ana.send("/crisis")
    assert crisis[0].text.startswith("📋 My safety plan")
    assert "I stop answering messages <and> stay in bed" in crisis[0].text
    assert "988" in crisis[1].text
    not_safe = (await ana.click(crisis[1], "I'm not safe"))[0]
    assert not_safe.button_labels[0] == "📋 My safety plan"
    shown = (await ana.click(not_safe, "My safety plan"))[0]
    assert "My sister and my dog" in shown.text
    # Clear a step with a dash.
    await ana.click(shown, "My reasons for living")
    assert (await ana.send("-"))[0].text == "Cleared."


async def test_crisis_words_in_the_plan_are_answered_and_still_saved(sandbox: Sandbox) -> None:
    ana = sandbox.user("Ana")
    await joined(sandbox, ana)
    plan = (await ana.send("/safetyplan"))[0]
    await ana.click(plan, "Warning signs")
    replies = await ana.send("when I think i want to kill myself")
    assert "988" in replies[0].text and "Whenever you're ready" not in replies[0].text
    assert any(reply.text.startswith("Saved") for reply in replies)


async def test_safety_plan_is_in_mydata_and_gone_after_forget(sandbox: Sandbox) -> None:
    ana = sandbox.user("Ana")
    await joined(sandbox, ana)
    plan = (await ana.send("/safetyplan"))[0]
    await ana.click(plan, "People I can ask for help")
    await ana.send("My brother Sam")
    await ana.send("/mydata")
    document = sandbox.fake.files[next(iter(sandbox.fake.files))]
    assert "My brother Sam" in json.dumps(json.loads(document), ensure_ascii=False)
    ask = (await ana.send("/forget"))[0]
    await ana.click(ask, "Yes, delete everything")
    assert await sandbox.db.fetch_value("SELECT COUNT(*) FROM safety_plans") == 0


async def test_safety_plan_in_spanish(sandbox: Sandbox) -> None:
    eva = sandbox.user("Eva", language_code="es")
    await joined(sandbox, eva, country="ES", language="es")
    plan = (await eva.send("/safetyplan"))[0]
    assert "Mi plan de seguridad" in plan.text and "Mis razones para vivir" in plan.text
