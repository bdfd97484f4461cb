"""/suspend, /unsuspend and /revoke through the sandbox: what each person is told, what still
works for a suspended member, and one clear answer for every kind of bad input."""

from __future__ import annotations

from datetime import timedelta

from bot.sandbox.harness import Sandbox
from storage import audit, members, pairs
from tests.flows.pairing_helpers import paired


async def test_suspend_pauses_the_pair_keeps_crisis_and_mydata_and_is_audited(
    sandbox: Sandbox,
) -> None:
    mia, leo, mentee, _mentor, pair = await paired(sandbox)
    cleo = sandbox.group.coordinator("Cleo")
    done = (await cleo.send(f"/suspend {mentee.code} repeated boundary breaches"))[-1].text
    assert f"{mentee.code} is suspended" in done
    await sandbox.flush_outbox()
    assert "on hold" in mia.last_message().text and "/crisis" in mia.last_message().text
    assert "repeated boundary" not in mia.last_message().text  # the reason stays internal
    assert (
        "paused" in leo.last_message().text
        and "not about anything you did" in leo.last_message().text
    )

    # Other commands and messages get the kind note; /crisis and /mydata still work.
    assert "on hold" in (await mia.send("/checkin"))[-1].text
    assert "on hold" in (await mia.send("hello Oak"))[-1].text
    crisis = await mia.send("/crisis")
    assert crisis and "on hold" not in crisis[0].text
    # Every button of the crisis path still works: "I'm not safe" reaches the coordinators.
    await mia.click(mia.last_with_buttons(), "not safe")
    assert "on hold" not in mia.last_message().text
    assert await sandbox.db.fetch_value("SELECT COUNT(*) FROM escalations") >= 1
    plan = await mia.send("/safetyplan")
    assert plan and "on hold" not in plan[-1].text
    coping = await mia.send("/cope")
    assert coping and "on hold" not in coping[-1].text
    await mia.click(mia.last_with_buttons(), coping[-1].button_labels[0])
    assert "on hold" not in mia.last_message().text
    await mia.send("/mydata")
    assert any(name == "sendDocument" for name, _ in sandbox.fake.calls)

    # The partner's message waits (held) instead of reaching the suspended member.
    before = len(mia.messages())
    await leo.send("Thinking of you")
    await sandbox.flush_outbox()
    assert len(mia.messages()) == before

    entries = await audit.recent(sandbox.db, 5)
    assert any(e.action == "suspend" and e.target == mentee.code for e in entries)
    assert (await pairs.get(sandbox.db, pair.id)).status == "active"  # paused, not ended
    profile = (await cleo.send(f"/member {mentee.code}"))[-1].text
    assert "Suspended since" in profile and "repeated boundary breaches" in profile
    assert "suspended" in next(line for line in profile.splitlines() if line.startswith("Flags"))
    assert "paused (a member is suspended)" in (await cleo.send("/pairs"))[-1].text
    audit_text = (await cleo.send("/audit"))[-1].text
    assert f"suspended {mentee.code}" in audit_text and "action_" not in audit_text

    # Lifting it: both told, the held message goes out.
    assert "lifted" in (await cleo.send(f"/unsuspend {mentee.code}"))[-1].text
    await sandbox.tick()
    await sandbox.flush_outbox()
    texts = [m.text for m in mia.messages()[before:]]
    assert any("Welcome back" in text for text in texts)
    assert any(
        name == "copyMessage" and params["chat_id"] == mia.id for name, params in sandbox.fake.calls
    )
    assert (await members.get_by_id(sandbox.db, mentee.id)).suspended_at is None


async def test_suspend_bad_input_gets_one_clear_answer_each(sandbox: Sandbox) -> None:
    _, _, mentee, _, _ = await paired(sandbox)
    cleo = sandbox.group.coordinator("Cleo")
    assert "Usage: /suspend CODE REASON" in (await cleo.send("/suspend"))[-1].text
    help_text = (await cleo.send("/help"))[0].text
    for usage in ("/suspend CODE REASON", "/unsuspend CODE", "/revoke CODE REASON", "/invite"):
        assert usage in help_text
    assert "reason is required" in (await cleo.send(f"/suspend {mentee.code}"))[-1].text
    assert (
        "No member has the code <b>MZZZZZ</b>" in (await cleo.send("/suspend mzzzzz rude"))[-1].html
    )
    await cleo.send(f"/suspend {mentee.code} rude")
    assert "already suspended" in (await cleo.send(f"/suspend {mentee.code} again"))[-1].text
    assert "Usage: /unsuspend" in (await cleo.send("/unsuspend"))[-1].text
    assert "No member" in (await cleo.send("/unsuspend MZZZZZ"))[-1].text
    await cleo.send(f"/unsuspend {mentee.code}")
    assert "is not suspended" in (await cleo.send(f"/unsuspend {mentee.code}"))[-1].text
    # Coordinator commands are refused outside the coordinators' group.
    ana = sandbox.user("Ana")
    assert "suspended" not in (await ana.send(f"/suspend {mentee.code} x"))[-1].text


async def test_revoke_ends_pairs_without_fault_and_returns_mentees_to_waiting(
    sandbox: Sandbox,
) -> None:
    mia, leo, mentee, mentor, pair = await paired(sandbox)
    await members.update_profile(
        sandbox.db, mentor.id, sandbox.clock.now(), approved_at="2026-01-01T00:00:00"
    )
    cleo = sandbox.group.coordinator("Cleo")
    assert "not an approved mentor" in (await cleo.send(f"/revoke {mentee.code} x"))[-1].text
    assert "Usage: /revoke" in (await cleo.send(f"/revoke {mentor.code}"))[-1].text
    done = (await cleo.send(f"/revoke {mentor.code} safeguarding concern"))[-1].text
    assert pair.code in done and "waiting list" in done
    await sandbox.flush_outbox()
    assert "not about anything you did" in mia.last_message().text
    assert "withdrawn your approval" in leo.last_message().text
    assert (await pairs.get(sandbox.db, pair.id)).status == "ended"
    fresh_mentee = await members.get_by_id(sandbox.db, mentee.id)
    fresh_mentor = await members.get_by_id(sandbox.db, mentor.id)
    assert fresh_mentee.status == "waiting"
    assert fresh_mentor.approved_at is None and fresh_mentor.status == "awaiting_approval"
    entries = await audit.recent(sandbox.db, 5)
    assert any(e.action == "revoke_approval" and e.target == mentor.code for e in entries)
    assert "not an approved mentor" in (await cleo.send(f"/revoke {mentor.code} again"))[-1].text


async def test_a_suspended_member_who_forgets_can_join_again(sandbox: Sandbox) -> None:
    mia, _, mentee, _, _ = await paired(sandbox)
    cleo = sandbox.group.coordinator("Cleo")
    await cleo.send(f"/suspend {mentee.code} rude")
    confirm = (await mia.send("/forget"))[-1]
    await mia.click(confirm, confirm.button_labels[0])
    assert await members.get_by_telegram_id(sandbox.db, mia.id) is None
    welcome = await mia.send("/start")
    assert "on hold" not in welcome[0].text
    assert any("I agree" in label for label in welcome[-1].button_labels)


async def test_a_paused_pair_is_not_nudged_to_write(sandbox: Sandbox) -> None:
    _, _, mentee, _, pair = await paired(sandbox)
    await sandbox.db.execute(
        "UPDATE pairs SET started_at = ? WHERE id = ?", ("2026-03-01T09:00:00", pair.id)
    )
    await sandbox.group.coordinator("Cleo").send(f"/suspend {mentee.code} rude")
    await sandbox.advance(timedelta(days=9))
    nudges = await sandbox.db.fetch_value("SELECT COUNT(*) FROM outbox WHERE kind = 'nudge'")
    assert nudges == 0
    await sandbox.group.coordinator("Cleo").send(f"/unsuspend {mentee.code}")
    await sandbox.advance(timedelta(hours=1))
    assert await sandbox.db.fetch_value("SELECT COUNT(*) FROM outbox WHERE kind = 'nudge'") == 2


async def test_the_check_after_a_crisis_reaches_a_suspended_member(sandbox: Sandbox) -> None:
    mia, _, mentee, _, _ = await paired(sandbox)
    await sandbox.group.coordinator("Cleo").send(f"/suspend {mentee.code} rude")
    await mia.send("i don't want to live anymore")
    cleo = sandbox.group.coordinator("Cleo")
    alert = sandbox.group.bot_messages()[-1]
    for label in ("I'm on it", "Resolved", "Reached, safe for now"):
        await cleo.click(sandbox.group.bot_messages()[-1] if label != "I'm on it" else alert, label)
    await sandbox.advance(timedelta(hours=30))
    rows = await sandbox.db.fetch_all("SELECT status FROM outbox WHERE kind = 'aftercare'")
    assert rows and {row[0] for row in rows} == {"sent"}
