"""The coordinators' console through the sandbox: help, dashboard, export, audit, member, digest."""

from __future__ import annotations

import csv
import io
import struct
from datetime import datetime, timedelta
from pathlib import Path

import aiosqlite

from bot.core.clock import to_db
from bot.sandbox.harness import Sandbox, sandbox_settings
from storage import audit, engagement, members, pairs
from tests.conftest import shipped_content


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def sent_files(sandbox: Sandbox, method: str) -> list[dict]:
    return [params for name, params in sandbox.fake.calls if name == method]


async def test_coordinator_help_in_group_member_help_in_private(sandbox: Sandbox) -> None:
    cleo = sandbox.group.coordinator("Cleo")
    replies = await cleo.send("/help")
    assert "Coordinator commands" in replies[0].text
    for command in ("/dashboard", "/export", "/audit", "/member", "/digest", "/pending"):
        assert command in replies[0].text
    ana = sandbox.user("Ana")
    member_help = (await ana.send("/help"))[0].text
    assert "/crisis" in member_help and "/dashboard" not in member_help


async def test_dashboard_on_an_empty_programme_is_a_friendly_chart(sandbox: Sandbox) -> None:
    cleo = sandbox.group.coordinator("Cleo")
    replies = await cleo.send("/dashboard")
    assert "No activity yet" in replies[-1].text
    photo = sent_files(sandbox, "sendPhoto")[-1]["photo"]
    assert png_size(photo) == (1200, 750)


async def test_export_with_no_data_is_a_csv_with_header_and_total(sandbox: Sandbox) -> None:
    cleo = sandbox.group.coordinator("Cleo")
    await cleo.send("/export")
    document = sent_files(sandbox, "sendDocument")[-1]["document"]
    rows = list(csv.reader(io.StringIO(document.decode())))
    assert rows[0][0] == "week_start" and rows[1][0] == "total"
    flows = [
        i
        for i, name in enumerate(rows[0])
        if name not in ("week_start", "active_pairs", "checkin_completion_pct", "mean_mood")
    ]
    assert {rows[1][i] for i in flows} == {"0"}


async def seed_programme(sandbox: Sandbox, people: int = 30) -> None:
    """Engagement as a real programme would leave it: joins, pairs, check-ins, escalations."""
    services = sandbox.services
    assert services is not None
    start = sandbox.clock.now()
    key = services.pseudonym_key
    async with services.db.transaction() as db:
        await _seed(db, key, start, people)
    sandbox.clock.advance(timedelta(weeks=3))


async def _seed(db: aiosqlite.Connection, key: bytes, start: datetime, people: int) -> None:
    for index in range(people):
        telegram_id = 700_000 + index
        await db.execute(  # a member row: events are recorded under the member's secret
            "INSERT INTO members (telegram_id, code, consented_at, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?)",
            (telegram_id, f"T{index:04d}", to_db(start), to_db(start), to_db(start)),
        )
        role = "mentee" if index % 2 == 0 else "mentor"
        await engagement.record(
            db, key, kind="consented", now=start, telegram_id=telegram_id, role=role
        )
        if role == "mentee":
            pair_code = f"P{index:04d}"
            await engagement.record(
                db,
                key,
                kind="paired",
                now=start,
                telegram_id=telegram_id,
                role=role,
                pair_code=pair_code,
            )
            await engagement.record(
                db,
                key,
                kind="message_relayed",
                now=start + timedelta(hours=3),
                telegram_id=telegram_id,
                role=role,
                pair_code=pair_code,
            )
            for week in range(3):
                await engagement.record(
                    db,
                    key,
                    kind="checkin_done",
                    now=start + timedelta(weeks=week, hours=1),
                    telegram_id=telegram_id,
                    role=role,
                    pair_code=pair_code,
                    value=2 + week,
                )


async def test_dashboard_and_export_with_data_suppress_small_counts(sandbox: Sandbox) -> None:
    await seed_programme(sandbox)
    cleo = sandbox.group.coordinator("Cleo")
    replies = await cleo.send("/dashboard")
    text = replies[-1].text
    assert "15 mentees" in text and "15 mentors" in text
    assert "mood +2.0" in text  # 15 mentees each went from 2 to 4
    assert "3 h" in text  # time to first contact
    photo = sent_files(sandbox, "sendPhoto")[-1]["photo"]
    assert png_size(photo) == (1200, 750)
    await cleo.send("/export")
    rows = list(
        csv.reader(io.StringIO(sent_files(sandbox, "sendDocument")[-1]["document"].decode()))
    )
    header, weekly = rows[0], rows[1:-2]
    checkins = [row[header.index("checkins")] for row in weekly]
    assert checkins[:3] == ["15", "15", "15"]
    assert rows[-2][header.index("new_mentees")] == "15"
    assert (await audit.recent(sandbox.db))[0].action == "export"


async def test_member_profile_and_audited_identity_lookup(sandbox: Sandbox) -> None:
    ana = sandbox.user("Ana", username="ana_real")
    consent = (await ana.send("/start"))[1]
    await ana.click(consent, "I agree")
    member = await members.get_by_telegram_id(sandbox.db, ana.id)
    assert member is not None
    now = sandbox.clock.now()
    member = await members.update_profile(
        sandbox.db,
        member.id,
        now,
        alias="Sunny",
        role="mentee",
        focus_areas=["grief", "low_mood"],
        country="MX",
    )
    bo = sandbox.user("Bo")
    await bo.click((await bo.send("/start"))[1], "I agree")
    mentor = await members.get_by_telegram_id(sandbox.db, bo.id)
    assert mentor is not None
    pair = await pairs.create(
        sandbox.db, mentee_id=member.id, mentor_id=mentor.id, approved_by=None, now=now
    )

    cleo = sandbox.group.coordinator("Cleo")
    assert "Usage" in (await cleo.send("/member"))[0].text
    assert "No member" in (await cleo.send("/member NOPE1"))[0].text
    profile = (await cleo.send(f"/member {member.code.lower()}"))[0]
    assert member.code in profile.text and "Sunny" in profile.text
    assert "focus: Grief and loss, Low mood" in profile.text and "low_mood" not in profile.text
    assert "country Mexico" in profile.text and "language English" in profile.text
    assert pair.code in profile.text and mentor.code in profile.text
    assert "ana_real" not in profile.text and str(ana.id) not in profile.text
    assert await audit.recent(sandbox.db) == []

    await cleo.click(profile, "Show Telegram identity")
    alert = cleo.answers()[-1]
    assert alert["show_alert"] is True
    assert "@ana_real" in alert["text"] and str(ana.id) in alert["text"]
    entry = (await audit.recent(sandbox.db))[0]
    assert (entry.action, entry.target, entry.actor_name) == (
        "identity_lookup",
        member.code,
        "Cleo",
    )
    # The identity never went to the group chat itself.
    assert all(str(ana.id) not in m.text for m in sandbox.group.bot_messages())

    log = (await cleo.send("/audit"))[0].text
    assert f"Cleo · looked up the Telegram identity of {member.code}" in log
    assert "identity_lookup" not in log  # words, never the stored key


async def test_audit_when_empty(sandbox: Sandbox) -> None:
    cleo = sandbox.group.coordinator("Cleo")
    assert "No coordinator actions" in (await cleo.send("/audit"))[0].text


async def test_weekly_digest_is_posted_once_at_the_configured_time(tmp_path: Path) -> None:
    # The fake clock starts Monday 2026-03-02 09:00 UTC, the production default digest moment.
    sandbox = Sandbox(
        sandbox_settings(tmp_path, digest_enabled=True, digest_weekday=0, digest_time="09:00"),
        content=shipped_content(),
    )
    await sandbox.start()
    try:
        await _digest_weekly(sandbox)
    finally:
        await sandbox.stop()
    assert sandbox.violations == []


async def test_sandbox_default_digest_stays_out_of_other_tests(sandbox: Sandbox) -> None:
    await sandbox.advance(timedelta(days=8))  # past every weekday and time
    assert not [m for m in sandbox.group.bot_messages() if "Weekly digest" in m.text]


async def _digest_weekly(sandbox: Sandbox) -> None:
    await sandbox.advance(timedelta(minutes=1))
    digests = [m for m in sandbox.group.bot_messages() if "Weekly digest" in m.text]
    assert len(digests) == 1 and "Active pairs: 0" in digests[0].text
    await sandbox.advance(timedelta(hours=1))
    await sandbox.advance(timedelta(days=2))
    assert len([m for m in sandbox.group.bot_messages() if "Weekly digest" in m.text]) == 1
    await sandbox.advance(timedelta(days=5))  # next Monday 09:00+
    assert len([m for m in sandbox.group.bot_messages() if "Weekly digest" in m.text]) == 2


async def test_digest_command_lists_pairs_needing_attention(sandbox: Sandbox) -> None:
    ana, bo = sandbox.user("Ana"), sandbox.user("Bo")
    for person in (ana, bo):
        await person.click((await person.send("/start"))[1], "I agree")
    a = await members.get_by_telegram_id(sandbox.db, ana.id)
    b = await members.get_by_telegram_id(sandbox.db, bo.id)
    assert a is not None and b is not None
    pair = await pairs.create(
        sandbox.db, mentee_id=a.id, mentor_id=b.id, approved_by=None, now=sandbox.clock.now()
    )
    await sandbox.db.execute("UPDATE pairs SET status = 'active' WHERE id = ?", (pair.id,))
    sandbox.clock.advance(timedelta(days=8))
    cleo = sandbox.group.coordinator("Cleo")
    text = (await cleo.send("/digest"))[0].text
    assert "Active pairs: 1" in text and pair.code in text
