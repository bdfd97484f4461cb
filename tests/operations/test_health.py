"""Health: `python -m bot status` exits 1 and says what, in each case that needs a person."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.core.clock import FakeClock, to_db
from bot.ops.health import Facts, check, evaluate
from bot.safety.escalation import raise_alert
from bot.sandbox.harness import COORDINATOR_CHAT_ID, Sandbox, sandbox_settings
from storage import members
from storage.db import Database
from tests.conftest import shipped_content
from tests.operations.test_operations import cli


def now() -> datetime:
    """The real time, as the status process will see it."""
    return datetime.now(UTC).replace(microsecond=0)


async def write(database: Path, *statements: tuple[str, tuple[object, ...]]) -> None:
    """Put rows in place as the running bot would have left them."""
    db = await Database.open(database)
    try:
        await db.execute("INSERT INTO kv (key, value) VALUES ('last_sweep_at', ?)", (to_db(now()),))
        for sql, params in statements:
            await db.execute(sql, params)
    finally:
        await db.close()


def outbox_row(
    key: str, chat_id: int, lane: str, status: str, attempts: int, error: str | None
) -> tuple[str, tuple[object, ...]]:
    """An outbox row created a minute ago."""
    moment = to_db(now() - timedelta(minutes=1))
    return (
        "INSERT INTO outbox (idempotency_key, chat_id, lane, kind, payload, not_before, "
        "status, attempts, last_error, created_at) VALUES (?, ?, ?, 'test', '{}', ?, ?, ?, ?, ?)",
        (key, chat_id, lane, moment, status, attempts, error, moment),
    )


async def test_a_healthy_running_bot_exits_0(tmp_path: Path) -> None:
    database = tmp_path / "ok.sqlite3"
    await write(database, outbox_row("blocked", 42, "scheduled", "failed", 1, "forbidden"))
    code, output = await cli(tmp_path, database, "status")
    assert code == 0, output
    assert "health: ok" in output  # a member who blocked the bot is not a fault


async def test_a_stopped_sweep_exits_1_and_says_so(tmp_path: Path) -> None:
    database = tmp_path / "stale.sqlite3"
    await write(
        database,
        (
            "UPDATE kv SET value = ? WHERE key = 'last_sweep_at'",
            (to_db(now() - timedelta(minutes=10)),),
        ),
    )
    code, output = await cli(tmp_path, database, "status")
    assert code == 1, output
    assert "NEEDS ATTENTION" in output and "sweep has not run for 10 min" in output


async def test_an_unclaimed_alert_past_two_realerts_exits_1(tmp_path: Path) -> None:
    database = tmp_path / "overdue.sqlite3"
    raised = to_db(now() - timedelta(minutes=31))  # ESCALATION_REALERT_MINUTES is 15
    await write(
        database,
        (
            "INSERT INTO escalations (member_code, severity, source, created_at, updated_at) "
            "VALUES ('MABC12', 'high', 'chat', ?, ?)",
            (raised, raised),
        ),
    )
    code, output = await cli(tmp_path, database, "status")
    assert code == 1, output
    assert "1 crisis alert(s) unclaimed for more than 30 min" in output


async def test_failing_outbox_rows_exit_1(tmp_path: Path) -> None:
    database = tmp_path / "failing.sqlite3"
    await write(
        database,
        outbox_row("retrying", 42, "relay", "pending", 4, "network: NetworkError"),
        outbox_row("gave-up", 43, "interactive", "failed", 1, "bad request"),
    )
    code, output = await cli(tmp_path, database, "status")
    assert code == 1, output
    assert "outbox: 1 message(s) gave up in the last 24 h, 1 still retrying" in output


async def test_a_failed_alert_and_an_unreachable_group_exit_1_until_it_is_back(
    tmp_path: Path,
) -> None:
    settings = sandbox_settings(tmp_path)
    box = Sandbox(settings, clock=FakeClock(now()), content=shipped_content())
    await box.start()
    ana = box.user("Ana")
    await ana.click((await ana.send("/start"))[1], "I agree")
    member = await members.get_by_telegram_id(box.db, ana.id)
    assert member is not None
    box.fake.blocked.add(COORDINATOR_CHAT_ID)  # the bot was removed from the group
    await raise_alert(box.services, member=member, severity="high", source="command")  # type: ignore[arg-type]
    await box.tick()
    await box.stop()
    code, output = await cli(tmp_path, Path(settings.database_path), "status")
    assert code == 1, output
    assert "crisis alert message(s) could not be delivered" in output
    assert "coordinators' group cannot be reached since" in output

    box.fake.blocked.discard(COORDINATOR_CHAT_ID)  # added back: the next message gets through
    await box.start()
    await box.advance(timedelta(minutes=16))  # the unclaimed alert is raised again
    await box.stop()
    assert box.group.bot_messages(), "the re-raised alert reached the group"
    code, output = await cli(tmp_path, Path(settings.database_path), "status")
    assert "coordinators' group cannot be reached" not in output, output


def test_the_checks_are_one_pure_function() -> None:
    moment = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    facts = Facts(
        now=moment,
        last_sweep=None,
        sweep_interval_seconds=30,
        realert_minutes=15,
        failed_alerts=0,
        unclaimed_alerts_overdue=0,
        outbox_gave_up=0,
        outbox_retrying=0,
        coordinators_unreachable=None,
    )
    assert evaluate(facts) == []  # no bot has run on this database yet: not "stopped"
    late = evaluate(Facts(**{**facts.__dict__, "last_sweep": moment - timedelta(seconds=91)}))
    assert [(p.check, p.restart_helps) for p in late] == [("sweep", True)]
    on_time = evaluate(Facts(**{**facts.__dict__, "last_sweep": moment - timedelta(seconds=90)}))
    assert on_time == []
    gone = evaluate(
        Facts(
            **{**facts.__dict__, "coordinators_unreachable": "2026-03-02T08:00:00 chat not found"}
        )
    )
    assert [(p.check, p.restart_helps) for p in gone] == [("coordinators", False)]
    assert "since 2026-03-02T08:00:00 UTC (chat not found)" in gone[0].message


async def test_the_bot_removed_from_the_group_shows_at_once(tmp_path: Path) -> None:
    settings = sandbox_settings(tmp_path)
    box = Sandbox(settings, clock=FakeClock(now()), content=shipped_content())
    await box.start()
    bot = box.fake._m_getMe({})

    async def membership(new: str, old: str) -> None:
        """Telegram telling the bot its status in the coordinators' group changed."""
        await box.deliver(
            {
                "my_chat_member": {
                    "chat": {
                        "id": COORDINATOR_CHAT_ID,
                        "type": "supergroup",
                        "title": "Coordinators",
                    },
                    "from": {"id": 7, "is_bot": False, "first_name": "Admin"},
                    "date": 0,
                    "old_chat_member": {"status": old, "user": bot},
                    "new_chat_member": {"status": new, "user": bot},
                }
            }
        )

    await membership("left", "member")
    problems = await check(box.db, settings, box.clock.now())
    assert [p.check for p in problems] == ["coordinators"]
    assert "(the bot was removed)" in problems[0].message
    await membership("member", "left")
    assert await check(box.db, settings, box.clock.now()) == []
    await box.stop()
