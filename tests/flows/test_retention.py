"""Data retention through the sandbox: a notice two weeks ahead, deletion like /forget, a
member who comes back is kept, and a sweep killed halfway finishes next time."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

import bot.programme.data_rights
from bot.programme.retention import BATCH, months_before
from bot.sandbox.harness import Sandbox
from storage import engagement, members
from tests.flows.pairing_helpers import make_member, paired

YEAR_LESS_TWO_WEEKS = timedelta(days=366 - 13)


class Killed(BaseException):
    """Stands in for SIGKILL: nothing after it runs, and no handler catches it."""


async def test_notice_then_erasure_like_forget_and_pairs_are_spared(sandbox: Sandbox) -> None:
    ana = sandbox.user("Ana")
    member = await make_member(sandbox, ana, "mentee", "Sunny")
    mia, leo, *_ = await paired(sandbox)  # a current pair is never due
    await sandbox.advance(YEAR_LESS_TWO_WEEKS)
    notice = ana.last_message().text
    assert "will be deleted on" in notice and "12 months" in notice and "/start" in notice
    assert not any("will be deleted" in m.text for m in mia.bot_messages() + leo.bot_messages())
    await sandbox.advance(timedelta(days=7))
    assert await members.get_by_id(sandbox.db, member.id) is not None  # not before two weeks
    await sandbox.advance(timedelta(days=8))
    assert await members.get_by_id(sandbox.db, member.id) is None
    assert (await members.get_by_telegram_id(sandbox.db, mia.id)) is not None
    assert any(
        "inactive for the retention period" in m.text and member.code in m.text
        for m in sandbox.group.bot_messages()
    )
    erased = await engagement.events(sandbox.db, "retention_erased")
    assert len(erased) == 1  # the anonymised log keeps its rows; nothing names her
    rows = await sandbox.db.fetch_all("SELECT * FROM engagement")
    assert all(str(ana.id) not in str(tuple(row)) for row in rows)
    assert len([m for m in ana.bot_messages() if "will be deleted" in m.text]) == 1


async def test_coming_back_after_the_notice_keeps_everything(sandbox: Sandbox) -> None:
    cal = sandbox.user("Cal")
    member = await make_member(sandbox, cal, "mentee", "Cal")
    await sandbox.advance(YEAR_LESS_TWO_WEEKS)
    assert "will be deleted" in cal.last_message().text
    await cal.send("/start")
    await sandbox.advance(timedelta(days=30))
    assert await members.get_by_id(sandbox.db, member.id) is not None


async def test_unreachable_members_are_erased_without_a_notice(sandbox: Sandbox) -> None:
    dan = sandbox.user("Dan")
    member = await make_member(sandbox, dan, "mentee", "Dan")
    await members.update_profile(sandbox.db, member.id, sandbox.clock.now(), unreachable=True)
    await sandbox.advance(timedelta(days=367))
    assert await members.get_by_id(sandbox.db, member.id) is None


async def test_a_sweep_killed_mid_erasure_finishes_next_time(
    sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    people = [sandbox.user(name) for name in ("Eva", "Fin", "Gus")]
    for person in people:
        await make_member(sandbox, person, "mentee", "Alias", unreachable=True)
        await sandbox.db.execute(
            "INSERT INTO conversations (name, key, state) VALUES ('checkin', ?, '\"x\"')",
            (f"[{person.id}, {person.id}]",),
        )
    real = bot.programme.data_rights.forget_conversations

    async def killed_after_the_delete(database, telegram_id):  # type: ignore[no-untyped-def]
        raise Killed

    monkeypatch.setattr(bot.programme.data_rights, "forget_conversations", killed_after_the_delete)
    sandbox.clock.advance(timedelta(days=367))
    with pytest.raises(Killed):
        await sandbox.tick()
    assert await members.get_by_telegram_id(sandbox.db, people[0].id) is None  # half done
    assert await sandbox.db.fetch_value("SELECT COUNT(*) FROM conversations") == 3
    monkeypatch.setattr(bot.programme.data_rights, "forget_conversations", real)
    await sandbox.tick()
    for person in people:
        assert await members.get_by_telegram_id(sandbox.db, person.id) is None
    assert await sandbox.db.fetch_value("SELECT COUNT(*) FROM conversations") == 0
    assert (
        await sandbox.db.fetch_value("SELECT COUNT(*) FROM kv WHERE key LIKE 'retention_erasing:%'")
        == 0
    )


def test_months_before_clamps_to_the_end_of_the_month() -> None:
    assert months_before(datetime(2026, 3, 31, 9), 1) == datetime(2026, 2, 28, 9)
    assert months_before(datetime(2026, 1, 15), 12) == datetime(2025, 1, 15)
    assert months_before(datetime(2026, 1, 15), 13) == datetime(2024, 12, 15)


async def test_a_backlog_is_worked_through_batch_after_batch(sandbox: Sandbox) -> None:
    for number in range(BATCH + 10):
        await make_member(
            sandbox,
            sandbox.user(f"P{number}", user_id=70_000 + number),
            "mentee",
            "Alias",
            unreachable=True,
        )
    sandbox.clock.advance(timedelta(days=367))
    await sandbox.tick()
    assert await sandbox.db.fetch_value("SELECT COUNT(*) FROM members") == 10
    await sandbox.advance(timedelta(seconds=30))  # not an hour later: the batch was full
    assert await sandbox.db.fetch_value("SELECT COUNT(*) FROM members") == 0
