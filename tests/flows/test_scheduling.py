"""Check-in prompts and nudges through a moving clock: DST, two zones, quiet hours, pauses, downtime."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.core.clock import from_db, to_db
from bot.core.schedule import INDEFINITE
from bot.sandbox.client import SandboxMessage, SandboxUser
from bot.sandbox.harness import Sandbox
from storage import members, outbox
from tests.flows.scheduling_helpers import SendLog, make_member, make_pair

HOUR = timedelta(hours=1)


async def walk(sandbox: Sandbox, until: datetime, step: timedelta = HOUR) -> None:
    """Move the clock in steps, running the sweeps and the sender at each one."""
    while sandbox.clock.now() + step <= until:
        await sandbox.advance(step)


async def test_week_in_two_time_zones_across_a_dst_change(sandbox: Sandbox) -> None:
    # Sunday 22 March 2026, 12:00 UTC. Madrid springs forward on Sunday 29 March.
    sandbox.clock.set(datetime(2026, 3, 22, 12, tzinfo=UTC))
    ana, ben = sandbox.user("Ana"), sandbox.user("Ben")
    await make_member(
        sandbox, ana, timezone="Europe/Madrid", checkin_weekday=0, checkin_time="18:00"
    )
    await make_member(
        sandbox, ben, timezone="America/New_York", checkin_weekday=6, checkin_time="10:00"
    )
    log = SendLog(sandbox)
    await sandbox.tick()
    await walk(sandbox, datetime(2026, 3, 31, 12, tzinfo=UTC))

    assert [when for when, _ in log.to(ana.id)] == [
        datetime(2026, 3, 23, 17, tzinfo=UTC),  # 18:00 CET
        datetime(2026, 3, 30, 16, tzinfo=UTC),  # 18:00 CEST: an hour earlier in UTC
    ]
    assert [when for when, _ in log.to(ben.id)] == [
        datetime(2026, 3, 22, 14, tzinfo=UTC),  # 10:00 EDT
        datetime(2026, 3, 29, 14, tzinfo=UTC),
    ]
    prompt = ana.bot_messages()[0]
    assert "weekly check-in" in prompt.text
    assert prompt.button_labels == ["Start my check-in"]
    assert prompt.buttons[0][0][1].startswith("checkin:start~")
    keys = [
        row[0]
        for row in await sandbox.db.fetch_all(
            "SELECT idempotency_key FROM outbox WHERE kind = 'checkin_prompt' ORDER BY id"
        )
    ]
    assert len(keys) == 4 and all(key.startswith("checkin:M") for key in keys)
    assert {key.rsplit(":", 1)[1] for key in keys} == {"2026-W12", "2026-W13", "2026-W14"}


async def test_only_waiting_or_active_mentees_get_prompts(sandbox: Sandbox) -> None:
    sandbox.clock.set(datetime(2026, 3, 2, 8, tzinfo=UTC))  # Monday
    people = {name: sandbox.user(name) for name in ("Ana", "Mo", "Ian", "Wes")}
    schedule = {"checkin_weekday": 0, "checkin_time": "09:00"}
    await make_member(sandbox, people["Ana"], status="active", **schedule)
    await make_member(sandbox, people["Wes"], status="waiting", **schedule)
    await make_member(sandbox, people["Mo"], role="mentor", **schedule)
    await make_member(sandbox, people["Ian"], status="intake", **schedule)
    await sandbox.tick()
    await sandbox.advance(HOUR)
    got = {name for name, user in people.items() if user.bot_messages()}
    assert got == {"Ana", "Wes"}


async def test_quiet_hours_hold_a_prompt_until_morning(sandbox: Sandbox) -> None:
    sandbox.clock.set(datetime(2026, 3, 4, 12, tzinfo=UTC))  # Wednesday
    ana = sandbox.user("Ana")
    await make_member(
        sandbox, ana, timezone="Europe/London", checkin_weekday=2, checkin_time="22:30"
    )  # inside her quiet hours (21:00-08:00)
    log = SendLog(sandbox)
    await sandbox.tick()
    await walk(sandbox, datetime(2026, 3, 5, 12, tzinfo=UTC), step=timedelta(minutes=30))
    assert [when for when, _ in log.to(ana.id)] == [datetime(2026, 3, 5, 8, tzinfo=UTC)]


async def test_pause_after_enqueue_holds_and_resume_delivers(sandbox: Sandbox) -> None:
    sandbox.clock.set(datetime(2026, 3, 2, 8, tzinfo=UTC))  # Monday
    ana = sandbox.user("Ana")
    member = await make_member(sandbox, ana, checkin_weekday=0, checkin_time="09:00")
    await sandbox.tick()
    # The prompt is queued at 09:00 ... and Ana pauses a moment before it goes out.
    sandbox.clock.advance(HOUR)
    from bot.delivery.sweep import run_sweeps

    assert sandbox.services is not None
    await run_sweeps(sandbox.services)
    await members.update_profile(
        sandbox.db, member.id, sandbox.clock.now(), paused_until=INDEFINITE
    )
    await sandbox.flush_outbox()
    assert ana.bot_messages() == []
    await walk(sandbox, datetime(2026, 3, 3, 12, tzinfo=UTC))
    assert ana.bot_messages() == []  # still paused a day later
    await members.update_profile(sandbox.db, member.id, sandbox.clock.now(), paused_until=None)
    log = SendLog(sandbox)
    await walk(sandbox, datetime(2026, 3, 3, 14, tzinfo=UTC))
    assert [when for when, _ in log.to(ana.id)] == [datetime(2026, 3, 3, 13, tzinfo=UTC)]


async def test_pause_past_the_week_skips_the_prompt_and_counts_it(sandbox: Sandbox) -> None:
    sandbox.clock.set(datetime(2026, 3, 2, 8, tzinfo=UTC))
    ana = sandbox.user("Ana")
    member = await make_member(
        sandbox, ana, checkin_weekday=0, checkin_time="09:00", paused_until="2026-03-10T12:00:00"
    )
    await sandbox.tick()
    await walk(sandbox, datetime(2026, 3, 10, 10, tzinfo=UTC))
    assert ana.bot_messages() == []  # week 10's prompt could only arrive after its week
    await walk(sandbox, datetime(2026, 3, 10, 14, tzinfo=UTC))
    # Week 11's prompt (Monday 9 March) was held by the pause and arrives when it ends.
    assert len(ana.bot_messages()) == 1
    assert await outbox.skipped_by_reason(sandbox.db) == {"stale": 1}
    refreshed = await members.get_by_id(sandbox.db, member.id)
    assert refreshed is not None and refreshed.next_checkin_at == "2026-03-16T09:00:00"


async def test_downtime_sends_this_weeks_prompt_once_and_skips_older_ones(
    sandbox: Sandbox,
) -> None:
    sandbox.clock.set(datetime(2026, 3, 1, 12, tzinfo=UTC))  # Sunday
    ana = sandbox.user("Ana")
    member = await make_member(sandbox, ana, checkin_weekday=0, checkin_time="09:00")
    await sandbox.tick()
    # The bot is down from Sunday 1 March to Wednesday 18 March: three Mondays pass.
    await sandbox.stop()
    sandbox.clock.set(datetime(2026, 3, 18, 10, tzinfo=UTC))
    await sandbox.start()
    await sandbox.tick()
    await sandbox.tick()  # a second sweep changes nothing
    assert len(ana.bot_messages()) == 1  # week 12's prompt (Monday 16 March), two days late
    assert await outbox.skipped_by_reason(sandbox.db) == {"stale": 2}  # weeks 10 and 11
    refreshed = await members.get_by_id(sandbox.db, member.id)
    assert refreshed is not None and refreshed.next_checkin_at == "2026-03-23T09:00:00"


async def test_claimed_rows_cut_off_by_a_crash_are_sent_after_restart(sandbox: Sandbox) -> None:
    ana = sandbox.user("Ana")
    member = await make_member(sandbox, ana)
    await sandbox.flush_outbox()  # the sender is up and running
    now = sandbox.clock.now()
    from bot.delivery.lanes import Lane
    from bot.delivery.outbox_hooks import message_payload

    await outbox.enqueue(
        sandbox.db,
        key="k1",
        chat_id=ana.id,
        lane=Lane.SCHEDULED,
        kind="t",
        payload=message_payload("hello"),
        not_before=now,
        now=now,
        member_id=member.id,
    )
    # The process died between claiming the row and recording the outcome.
    await sandbox.db.execute("UPDATE outbox SET status = 'sending' WHERE idempotency_key = 'k1'")
    await sandbox.flush_outbox()
    assert ana.bot_messages() == []  # a running sender leaves rows another round claimed
    await sandbox.restart()
    await sandbox.flush_outbox()
    assert [m.text for m in ana.bot_messages()] == ["hello"]
    await sandbox.restart()
    await sandbox.flush_outbox()
    assert len(ana.bot_messages()) == 1


def nudges(person: SandboxUser) -> list[SandboxMessage]:
    """The inactivity nudges a person received."""
    return [m for m in person.bot_messages() if "last in touch" in m.text]


async def test_quiet_pair_gets_kind_nudges_then_coordinators_hear(sandbox: Sandbox) -> None:
    start = datetime(2026, 3, 2, 12, tzinfo=UTC)
    sandbox.clock.set(start)
    ana, max_ = sandbox.user("Ana"), sandbox.user("Max")
    mentee = await make_member(sandbox, ana)
    mentor = await make_member(sandbox, max_, role="mentor")
    code = await make_pair(sandbox, mentee, mentor, start)
    await walk(sandbox, start + timedelta(days=6, hours=23), step=timedelta(hours=6))
    assert nudges(ana) == [] and nudges(max_) == []  # (the mentor's weekly pulse is separate)
    await walk(sandbox, start + timedelta(days=7, hours=6), step=timedelta(hours=6))
    assert "you and Max were last in touch" in nudges(ana)[-1].text
    assert "you and Ana were last in touch" in nudges(max_)[-1].text
    assert sandbox.group.bot_messages() == []
    await walk(sandbox, start + timedelta(days=14, hours=6), step=timedelta(hours=6))
    notices = sandbox.group.bot_messages()
    assert len(notices) == 1 and code in notices[0].text and "14 days" in notices[0].text
    assert len(nudges(ana)) == 1  # one nudge per quiet spell, not one per sweep
    # They talk again: a new quiet spell starts from the new contact.
    contact = sandbox.clock.now()
    await sandbox.db.execute(
        "UPDATE pairs SET last_contact_at = ? WHERE code = ?", (to_db(contact), code)
    )
    await walk(sandbox, contact + timedelta(days=7, hours=6), step=timedelta(hours=6))
    assert len(nudges(ana)) == 2


async def test_a_nudge_more_than_two_days_late_is_skipped(sandbox: Sandbox) -> None:
    start = datetime(2026, 3, 2, 12, tzinfo=UTC)
    sandbox.clock.set(start)
    ana, max_ = sandbox.user("Ana"), sandbox.user("Max")
    mentee = await make_member(sandbox, ana)
    mentor = await make_member(sandbox, max_, role="mentor")
    await make_pair(sandbox, mentee, mentor, start)
    await sandbox.tick()
    sandbox.clock.set(start + timedelta(days=10))  # down over day 7 to day 10
    await sandbox.tick()
    assert ana.bot_messages() == [] and max_.bot_messages() == []
    assert await outbox.skipped_by_reason(sandbox.db) == {"stale": 2}
    rows = await sandbox.db.fetch_all("SELECT not_before FROM outbox WHERE kind = 'nudge'")
    assert {from_db(row[0]) for row in rows} == {start + timedelta(days=7)}
