"""/broadcast: preview, confirm, delivery in the lowest lane with holds, progress and report."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.sandbox.harness import Sandbox
from storage import audit
from tests.flows.scheduling_helpers import make_member

NOON = datetime(2026, 3, 4, 12, tzinfo=UTC)


async def test_broadcast_to_mentors_with_preview_progress_and_report(sandbox: Sandbox) -> None:
    sandbox.clock.set(NOON)
    mentors = [sandbox.user(f"Mentor{i}") for i in range(5)]
    for user in mentors:
        await make_member(sandbox, user, role="mentor")
    night_owl = sandbox.user("Tokyo")  # 21:00 in Tokyo: quiet hours
    await make_member(sandbox, night_owl, role="mentor", timezone="Asia/Tokyo")
    blocked = sandbox.user("Gone")
    await make_member(sandbox, blocked, role="mentor", unreachable=True)
    mentee = sandbox.user("Ana")
    await make_member(sandbox, mentee)
    cleo = sandbox.group.coordinator("Cleo")

    preview = (await cleo.send("/broadcast mentors Training night <moved> to Thursday"))[0]
    assert "Preview" in preview.text and "6 mentors" in preview.text
    assert "Training night <moved> to Thursday" in preview.text
    assert preview.button_labels == ["Send to 6", "Cancel"]
    assert mentors[0].bot_messages() == []

    replies = await cleo.click(preview, "Send to 6")
    for user in mentors:
        assert "Training night <moved> to Thursday" in user.last_message().text
    assert mentee.bot_messages() == [] and night_owl.bot_messages() == []
    progress = sandbox.group.bot_messages()[-1]
    assert progress.id == replies[0].id and "sent 0 of 7" in progress.text
    await sandbox.advance(timedelta(seconds=5))  # the progress message is edited every 5 s
    progress = sandbox.group.bot_messages()[-1]
    assert "sent 5 of 7" in progress.text and "1 unreachable" in progress.text
    assert "1 waiting for quiet hours" in progress.text

    await sandbox.advance(timedelta(hours=12))  # morning in Tokyo
    assert len(night_owl.bot_messages()) == 1
    report = next(m for m in sandbox.group.bot_messages() if m.id == progress.id)
    assert "finished" in report.text and "6</b> of 7" in report.html
    assert len(sandbox.group.bot_messages()) == 2  # the preview and the one progress message

    again = await cleo.click(preview, "Send to 6")  # an old button: nothing is sent twice
    assert again == [] and "expired" in cleo.answers()[-1]["text"]
    assert len(mentors[0].bot_messages()) == 1
    entries = await audit.recent(sandbox.db)
    assert [e.action for e in entries] == ["broadcast"] and entries[0].actor_name == "Cleo"


async def test_broadcast_cancel_usage_and_outside_the_group(sandbox: Sandbox) -> None:
    sandbox.clock.set(NOON)
    ana = sandbox.user("Ana")
    await make_member(sandbox, ana)
    cleo = sandbox.group.coordinator("Cleo")
    assert "Usage" in (await cleo.send("/broadcast"))[0].text
    assert "Usage" in (await cleo.send("/broadcast friends hi"))[0].text
    preview = (await cleo.send("/broadcast everyone Hello all"))[0]
    await cleo.click(preview, "Cancel")
    assert "cancelled" in sandbox.group.bot_messages()[-1].text
    assert ana.bot_messages() == []
    # A member trying it in private gets the unknown-command answer, nothing more.
    assert "don't know that command" in (await ana.send("/broadcast everyone hi"))[0].text


async def test_broadcast_too_long_is_refused_before_the_preview(sandbox: Sandbox) -> None:
    ana = sandbox.user("Ana")
    await make_member(sandbox, ana)
    cleo = sandbox.group.coordinator("Cleo")
    reply = (await cleo.send("/broadcast everyone " + "x" * 3600))[0]
    assert "too long" in reply.text and reply.buttons == []
