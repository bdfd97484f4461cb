"""The queries that run every 30 s (and on /forget, /mydata and a crisis-flagged relay) read
through indexes: none of them may SCAN a table that grows with the programme's history."""

from __future__ import annotations

import re
import sqlite3
from datetime import timedelta

from bot.delivery.sweep import run_sweeps
from bot.sandbox.harness import Sandbox
from bot.sandbox.population import seed_pairs
from storage import data_rights, relay
from storage.report_queries import read_inputs
from tests.unit.test_report_sql import insert, random_history

# Tables whose size grows with history or membership (the small ones may be scanned).
GROWING = (
    "outbox",
    "relay_messages",
    "engagement",
    "members",
    "checkins",
    "audit_log",
    "escalations",
)
SCAN = re.compile(r"\bSCAN (\w+)(?: USING (?:COVERING )?INDEX (\w+))?")
TABLE = re.compile(r"\b(?:FROM|JOIN|UPDATE|INTO)\s+(\w+)(?:\s+(?:AS\s+)?(\w+))?", re.IGNORECASE)
KEYWORDS = {
    "where",
    "join",
    "left",
    "inner",
    "on",
    "order",
    "group",
    "limit",
    "set",
    "using",
    "values",
    "as",
    "natural",
    "cross",
    "select",
    "union",
    "returning",
}


def _tables(sql: str) -> dict[str, str]:
    """Names and aliases used in a statement, mapped to table names (plans show aliases)."""
    names = {}
    for table, alias in TABLE.findall(sql):
        names[table] = table
        if alias and alias.lower() not in KEYWORDS:
            names[alias] = table
    return names


def scans_of_growing_tables(connection: sqlite3.Connection, sql: str) -> list[str]:
    """The plan lines that read the whole of a growing table (even through an index: a full
    index scan still grows with the table)."""
    plan = connection.execute(f"EXPLAIN QUERY PLAN {sql}").fetchall()
    names = _tables(sql)
    # A partial index holds only the rows it is for (e.g. copies not yet delivered): reading it
    # whole is reading the few that matter.
    partial = {
        name
        for name, text in connection.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql LIKE '% WHERE %'"
        )
    }
    found = []
    for row in plan:
        detail = row[-1]
        match = SCAN.search(detail)
        if (
            match
            and names.get(match.group(1), match.group(1)) in GROWING
            and match.group(2) not in partial
        ):
            found.append(detail)
    return found


def test_the_check_finds_a_scan(tmp_path) -> None:
    """The checker itself: an unindexed filter on a growing table is caught."""
    connection = sqlite3.connect(tmp_path / "t.db")
    connection.execute("CREATE TABLE outbox (id INTEGER PRIMARY KEY, last_error TEXT)")
    assert scans_of_growing_tables(connection, "SELECT id FROM outbox WHERE last_error = 'x'")
    assert not scans_of_growing_tables(connection, "SELECT id FROM outbox WHERE id = 3")
    assert scans_of_growing_tables(connection, "SELECT o.id FROM outbox o WHERE o.last_error = 1")


async def test_sweeps_and_data_rights_read_through_indexes(sandbox: Sandbox) -> None:
    """Every statement of a full sweep round, of /forget's and /mydata's reads and of the
    crisis-card check is planned without a SCAN of a growing table."""
    db = sandbox.db
    now = sandbox.clock.now()
    seeded = await seed_pairs(db, count=6, now=now, first_telegram_id=7_000_000, approved_by=1)
    statements: list[str] = []
    await db.connection.set_trace_callback(statements.append)
    for _ in range(3):  # first round queues work, later rounds find it queued
        await run_sweeps(sandbox.services)
        sandbox.clock.advance(timedelta(days=8))
    await run_sweeps(sandbox.services)
    await relay.queued_recently(db, seeded[0].mentee, "crisis_card", now)
    await data_rights.engagement_of(db, "subject")
    async with db.transaction() as connection:
        await data_rights.delete_member(connection, 10**9, 10**9)
    await db.connection.set_trace_callback(None)

    checked = [
        s
        for s in statements
        if s.lstrip().upper().startswith(("SELECT", "UPDATE", "DELETE", "WITH"))
    ]
    assert len(checked) > 20  # the trace really saw the sweeps
    plans = sqlite3.connect(db.path)
    offenders = {sql: scans for sql in checked if (scans := scans_of_growing_tables(plans, sql))}
    plans.close()
    assert offenders == {}


async def test_report_queries_read_through_indexes(sandbox: Sandbox) -> None:
    """The dashboard's aggregate queries never scan the whole engagement log."""
    insert(sandbox.db.path, random_history(1, size=300))
    statements: list[str] = []
    connection = sqlite3.connect(sandbox.db.path)
    connection.set_trace_callback(statements.append)
    read_inputs(connection)
    connection.set_trace_callback(None)
    assert len(statements) >= 5
    offenders = {sql: s for sql in statements if (s := scans_of_growing_tables(connection, sql))}
    connection.close()
    assert offenders == {}


async def test_every_reference_to_a_member_is_indexed(sandbox: Sandbox) -> None:
    """/forget deletes the member row: each ON DELETE CASCADE / SET NULL that follows finds the
    rows through an index on the referencing column, never by scanning the table."""
    connection = sqlite3.connect(sandbox.db.path)
    tables = [
        row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    ]
    unindexed = []
    for table in tables:
        for reference in connection.execute(f"PRAGMA foreign_key_list({table})"):
            parent, column = reference[2], reference[3]
            if parent != "members":
                continue
            leading = {
                next(iter(connection.execute(f"PRAGMA index_info({index[1]})")), (0, 0, None))[2]
                for index in connection.execute(f"PRAGMA index_list({table})")
            }
            primary = [
                row[1] for row in connection.execute(f"PRAGMA table_info({table})") if row[5] == 1
            ]
            if column not in leading and primary[:1] != [column]:
                unindexed.append(f"{table}.{column}")
    connection.close()
    assert unindexed == []
