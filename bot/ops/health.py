"""Health checks: what needs a person, decided by one pure function over facts from the database.

`python -m bot status`, the webhook's `/healthz` and the systemd watchdog all call `check`, so
they can never disagree. Each problem says whether restarting the bot could fix it: the watchdog
only stops pinging for those (a restart cannot bring back a coordinators' group the bot was
removed from, and a restart loop would hide the real message).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from bot.core.clock import from_db, to_db
from bot.delivery.sweep import INTERVAL_SECONDS
from bot.settings import Settings, StorageSettings
from storage.db import Database, DatabaseError
from storage.outbox import DueItem, OutboxItem

if TYPE_CHECKING:
    from bot.services import Services

STALE_SWEEPS = 3  # the sweep counts as stopped after this many missed intervals
# An unclaimed crisis alert is overdue once it has been re-raised and still nobody took it.
OVERDUE_REALERTS = 2
FAILING_ATTEMPTS = 3  # a row still retrying after this many attempts is failing, not unlucky
RECENT = timedelta(hours=24)  # rows that gave up this recently still need a look
ALERTS_RECENT = timedelta(days=7)
COORDINATORS_KEY = "coordinators_unreachable"  # kv: "<time> <reason>" while sends there fail


@dataclass(frozen=True)
class Facts:
    """What the checks look at, read from the database at one moment."""

    now: datetime
    last_sweep: datetime | None
    sweep_interval_seconds: int
    realert_minutes: int
    failed_alerts: int
    unclaimed_alerts_overdue: int
    outbox_gave_up: int
    outbox_retrying: int
    coordinators_unreachable: str | None


@dataclass(frozen=True)
class Problem:
    """One thing that needs a person, in words an operator can act on."""

    check: str
    message: str
    restart_helps: bool = False


def evaluate(facts: Facts) -> list[Problem]:
    """Every problem in `facts` (pure: no I/O, no clock)."""
    problems: list[Problem] = []
    limit = timedelta(seconds=STALE_SWEEPS * facts.sweep_interval_seconds)
    # A database no bot has run on yet has no sweep: that is "not started", not "stopped".
    if facts.last_sweep is not None and facts.now - facts.last_sweep > limit:
        problems.append(
            Problem(
                "sweep",
                f"the sweep has not run for {_age(facts.now - facts.last_sweep)} (last {to_db(facts.last_sweep)} "
                f"UTC): reminders and re-alerts are not going out; is the bot running?",
                restart_helps=True,
            )
        )
    if facts.failed_alerts:
        problems.append(
            Problem(
                "alerts",
                f"{facts.failed_alerts} crisis alert message(s) could not be delivered in "
                f"the last 7 days: check /escalations in the coordinators' group",
            )
        )
    if facts.unclaimed_alerts_overdue:
        problems.append(
            Problem(
                "alerts",
                f"{facts.unclaimed_alerts_overdue} crisis alert(s) unclaimed for more than "
                f"{OVERDUE_REALERTS * facts.realert_minutes} min: a coordinator should claim them",
            )
        )
    if facts.outbox_gave_up or facts.outbox_retrying:
        problems.append(
            Problem(
                "outbox",
                f"outbox: {facts.outbox_gave_up} message(s) gave up in the last 24 h, "
                f"{facts.outbox_retrying} still retrying after {FAILING_ATTEMPTS}+ attempts "
                f"(Telegram unreachable or refusing them; see the log)",
            )
        )
    if facts.coordinators_unreachable:
        since, _, reason = facts.coordinators_unreachable.partition(" ")
        problems.append(
            Problem(
                "coordinators",
                f"the coordinators' group cannot be reached since {since} UTC "
                f"({reason}): add the bot back to the group or fix COORDINATOR_CHAT_ID",
            )
        )
    return problems


def _age(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    if minutes < 120:
        return f"{minutes} min"
    return f"{minutes // 60} h" if minutes < 48 * 60 else f"{minutes // 1440} days"


async def gather(
    db: Database,
    settings: Settings | StorageSettings,
    now: datetime,
    sweep_interval_seconds: int = INTERVAL_SECONDS,
) -> Facts:
    """Read the facts the checks need (read-only)."""
    realert_minutes = settings.realert_gaps[0]  # the first gap: how soon a re-alert comes
    last_sweep = await db.fetch_value("SELECT value FROM kv WHERE key = 'last_sweep_at'")
    overdue_before = to_db(now - timedelta(minutes=OVERDUE_REALERTS * realert_minutes))
    return Facts(
        now=now,
        last_sweep=from_db(last_sweep),
        sweep_interval_seconds=sweep_interval_seconds,
        realert_minutes=realert_minutes,
        # Without COORDINATOR_CHAT_ID (status needs no full settings) any group counts.
        failed_alerts=await db.fetch_value(
            "SELECT COUNT(*) FROM outbox WHERE lane = 'crisis' AND status = 'failed' "
            "AND (chat_id = ? OR (? IS NULL AND chat_id < 0)) AND created_at >= ?",
            (
                settings.coordinator_chat_id,
                settings.coordinator_chat_id,
                to_db(now - ALERTS_RECENT),
            ),
        ),
        unclaimed_alerts_overdue=await db.fetch_value(
            "SELECT COUNT(*) FROM escalations WHERE status = 'open' AND created_at < ?",
            (overdue_before,),
        ),
        # A blocked bot ("forbidden") is the member's choice, not a fault.
        outbox_gave_up=await db.fetch_value(
            "SELECT COUNT(*) FROM outbox WHERE status = 'failed' AND last_error != 'forbidden' "
            "AND created_at >= ?",
            (to_db(now - RECENT),),
        ),
        outbox_retrying=await db.fetch_value(
            "SELECT COUNT(*) FROM outbox WHERE status IN ('pending', 'sending') AND attempts >= ?",
            (FAILING_ATTEMPTS,),
        ),
        coordinators_unreachable=await db.fetch_value(
            "SELECT value FROM kv WHERE key = ?", (COORDINATORS_KEY,)
        ),
    )


async def check(
    db: Database,
    settings: Settings | StorageSettings,
    now: datetime,
    sweep_interval_seconds: int = INTERVAL_SECONDS,
) -> list[Problem]:
    """Gather the facts and evaluate them: the one entry point for status, /healthz, watchdog."""
    return evaluate(await gather(db, settings, now, sweep_interval_seconds))


async def record_coordinators_reachable(
    db: Database, reachable: bool, now: datetime, reason: str = ""
) -> None:
    """Remember whether the last send to the coordinators' group got through."""
    if reachable:
        await db.execute("DELETE FROM kv WHERE key = ?", (COORDINATORS_KEY,))
    else:
        # Keep the first failure's time: "unreachable since" is what an operator needs.
        await db.execute(
            "INSERT INTO kv (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING",
            (COORDINATORS_KEY, f"{to_db(now)} {reason}"),
        )


async def coordinators_reached(services: Services, due: DueItem, result: Any) -> None:
    """After-sent hook: a delivery to the coordinators' group shows it can be reached (at most
    20 messages a minute go there, so one small write each costs nothing)."""
    if due.item.chat_id == services.settings.coordinator_chat_id:
        await record_coordinators_reachable(services.db, True, services.clock.now())


async def coordinators_unreached(services: Services, item: OutboxItem, reason: str) -> None:
    """Failure hook: the bot was removed from the coordinators' group, or the group is gone."""
    if item.chat_id != services.settings.coordinator_chat_id:
        return
    if reason.startswith("forbidden:"):
        why = "the bot is not in the group"
    elif reason.startswith("bad request:") and "chat not found" in reason.lower():
        why = "chat not found"
    else:
        return
    await record_coordinators_reachable(services.db, False, services.clock.now(), why)


def summary(problems: list[Problem]) -> str:
    """One line for logs, the watchdog's STATUS= and /healthz."""
    return "ok" if not problems else "; ".join(p.message for p in problems)


async def check_file(settings: Settings | StorageSettings) -> list[Problem]:
    """The checks against the database file, on the real clock (`python -m bot status`).

    Read-only: never creates, migrates or writes the file, so it is safe beside the running bot.
    """
    from bot.core.clock import SystemClock

    db = await Database.open_read_only(settings.database_path)
    try:
        return await check(db, settings, SystemClock().now())
    except sqlite3.Error as exc:
        raise DatabaseError(
            f"Cannot check {settings.database_path} ({exc}); is it this bot's "
            "database (start the bot once to upgrade an older one)?"
        ) from None
    finally:
        await db.close()


def report(problems: list[Problem]) -> str:
    """The lines `status` prints after its figures."""
    if not problems:
        return "health: ok"
    return "\n".join(["health: NEEDS ATTENTION", *(f"  - {p.message}" for p in problems)])
