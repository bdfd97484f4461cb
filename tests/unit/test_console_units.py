"""Engagement log shape, digest timing and the optional signals section."""

from __future__ import annotations

import inspect
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.console.digest import digest_text, last_due, week_start
from bot.content import ContentStore, load_content
from bot.core.clock import FakeClock
from bot.programme.signals import PairFlag, PairWeek
from bot.sandbox.harness import sandbox_settings
from bot.services import Services
from storage import engagement
from storage.db import Database


def test_every_kind_in_the_vocabulary_is_written_by_the_live_bot() -> None:
    """No report may read a kind that only the demo seeding (or nothing) writes."""
    root = Path(__file__).resolve().parents[2]
    source = "\n".join(
        path.read_text("utf-8")
        for folder in ("bot", "handlers")
        for path in (root / folder).rglob("*.py")
        if not path.name.startswith("demo")
    )
    written = set(re.findall(r'kind=\s*"([a-z0-9_]+)"', source))
    written |= {"coping_helpful", "coping_not_helpful"}  # chosen by a conditional expression
    written |= {f"{instrument}_score" for instrument in ("who5", "phq2")}  # per instrument
    assert written >= engagement.KINDS, sorted(engagement.KINDS - written)
    assert {"who5_score", "phq2_score", "checkin_done", "escalation_raised"} <= engagement.KINDS


def test_record_has_no_way_to_store_text() -> None:
    parameters = set(inspect.signature(engagement.record).parameters)
    # `secret` is bytes that only ever go into the HMAC, never into the row.
    assert parameters == {
        "target",
        "key",
        "kind",
        "now",
        "telegram_id",
        "role",
        "pair_code",
        "value",
        "secret",
    }


async def test_record_refuses_unknown_kinds_and_roles(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "e.sqlite3")
    now = datetime(2026, 3, 2, 9, 41, tzinfo=UTC)
    with pytest.raises(ValueError):
        await engagement.record(db, b"k" * 32, kind="said hello", now=now)
    with pytest.raises(ValueError):
        await engagement.record(db, b"k" * 32, kind="consented", now=now, role="Ana")
    await engagement.record(db, b"k" * 32, kind="consented", now=now, telegram_id=5)
    (event,) = await engagement.events(db)
    assert event.hour == "2026-03-02T09:00:00" and event.subject is None  # not a member
    await db.execute(
        "INSERT INTO members (telegram_id, code, consented_at, created_at, "
        "updated_at) VALUES (5, 'M5', '', '', '')"
    )
    await engagement.record(db, b"k" * 32, kind="consented", now=now, telegram_id=5)
    event = (await engagement.events(db))[-1]
    assert event.subject and event.subject != "5"
    await db.close()


def test_digest_due_time_in_the_programme_time_zone() -> None:
    # Monday 09:00 in New York is 14:00 UTC in winter and 13:00 UTC in summer.
    winter = datetime(2026, 3, 2, 14, 30, tzinfo=UTC)
    assert last_due(winter, 0, "09:00", "America/New_York") == datetime(2026, 3, 2, 14, tzinfo=UTC)
    summer = datetime(2026, 3, 16, 13, 5, tzinfo=UTC)
    assert last_due(summer, 0, "09:00", "America/New_York") == datetime(2026, 3, 16, 13, tzinfo=UTC)
    before = datetime(2026, 3, 16, 12, 59, tzinfo=UTC)
    assert last_due(before, 0, "09:00", "America/New_York") == datetime(2026, 3, 9, 13, tzinfo=UTC)
    assert week_start(winter, "UTC") == datetime(2026, 3, 2, tzinfo=UTC)


async def test_digest_shows_flagged_signals_when_that_module_exists(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = sandbox_settings(tmp_path)
    db = await Database.open(settings.database_path)
    services = Services(
        settings=settings,
        db=db,
        clock=FakeClock(),
        content_store=ContentStore(load_content()),
        pseudonym_key=b"k" * 32,
    )
    now = services.clock.now()
    assert "Flagged signals: none" in await digest_text(services, now)
    seen = []

    week = PairWeek(
        1,
        "PSIG1",
        mentee_sent=90,
        mentor_sent=4,
        mentee_into_quiet=30,
        mentor_into_quiet=0,
        mentor_night=7,
    )

    async def flagged_pairs(services: Services, since: datetime) -> list[PairFlag]:
        seen.append(since)
        return [PairFlag(1, "PSIG1", ("volume", "imbalance", "quiet_hours", "mentor_night"), week)]

    monkeypatch.setattr("bot.programme.signals.flagged_pairs", flagged_pairs)
    text = await digest_text(services, now)
    assert "• <b>PSIG1</b>: 90 messages one way this week (the limit is" in text
    assert "one-sided: 90 messages from the mentee, 4 from the mentor" in text
    assert "30 of 90 messages arrived in the partner's quiet hours" in text
    assert "the mentor sent 7 messages late at night" in text
    assert seen == [week_start(now, "UTC")]
    await db.close()
