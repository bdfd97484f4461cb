"""The engagement log holds no identity: a scan of the database file and a brute-force attack.

Test users run real flows (consent, crisis language) and every engagement kind is recorded for
each of them. Then (1) the engagement table's columns are the anonymised ones only, (2) its rows
contain no Telegram id, username or alias, (3) a copy of the database file holding only the
engagement table contains none of them as text or as 8-byte integers, and (4) trying one
million candidate ids matches no subject even with the real key (subjects come from each
member's random secret, which /forget deletes).
"""

from __future__ import annotations

import contextlib
import hashlib
import sqlite3
import struct
import time
from pathlib import Path

from bot.core.pseudonym import SUBJECT_HEX_CHARS, member_subject, subject
from bot.sandbox.harness import Sandbox
from storage import engagement, members

# Ids below one million, so the brute force below really covers them.
PEOPLE = [(123_457, "ana_rivera", "Sunny"), (654_321, "bo_k", "Tiger"), (999_001, "cam", "Moss")]
COLUMNS = {"id", "hour", "kind", "role", "subject", "pair_ref", "value"}


async def populate(sandbox: Sandbox) -> None:
    """Real flows plus every engagement kind for every test user."""
    services = sandbox.services
    assert services is not None
    for telegram_id, username, alias in PEOPLE:
        person = sandbox.user(alias, user_id=telegram_id, username=username)
        await person.click((await person.send("/start"))[1], "I agree")
        member = await members.get_by_telegram_id(sandbox.db, telegram_id)
        assert member is not None
        await members.update_profile(
            sandbox.db, member.id, sandbox.clock.now(), alias=alias, role="mentee"
        )
        await person.send("i dont want to live anymore")  # raises an escalation (engagement row)
        for kind in sorted(engagement.KINDS):
            await engagement.record(
                sandbox.db,
                services.pseudonym_key,
                kind=kind,
                now=sandbox.clock.now(),
                telegram_id=telegram_id,
                role="mentee",
                pair_code="P" + alias.upper(),
                value=3,
            )


def needles() -> list[bytes]:
    found = []
    for telegram_id, username, alias in PEOPLE:
        found += [
            str(telegram_id).encode(),
            username.encode(),
            alias.encode(),
            struct.pack(">q", telegram_id),
            struct.pack("<q", telegram_id),
        ]
    return found


async def test_engagement_table_holds_no_identity(sandbox: Sandbox, tmp_path: Path) -> None:
    await populate(sandbox)
    columns = {row["name"] for row in await sandbox.db.fetch_all("PRAGMA table_info(engagement)")}
    assert columns == COLUMNS
    rows = await sandbox.db.fetch_all(
        "SELECT id, hour, kind, role, subject, pair_ref, value FROM engagement"
    )
    assert len(rows) >= len(PEOPLE) * len(engagement.KINDS)
    dump = "\n".join(repr(tuple(row)) for row in rows).encode()
    for needle in needles():
        assert needle not in dump, needle
    # The operational tables do hold them (so the scan below would notice a leak) ...
    copy = tmp_path / "copy.sqlite3"
    await sandbox.db.connection.execute(f"VACUUM INTO '{copy}'")
    with contextlib.closing(sqlite3.connect(copy)) as raw, raw:
        assert raw.execute(
            "SELECT COUNT(*) FROM members WHERE telegram_id = ?", (PEOPLE[0][0],)
        ).fetchone() == (1,)
        # ... so drop everything but the engagement table and scan the file itself.
        tables = [
            name
            for (name,) in raw.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name != 'engagement'"
            )
        ]
        raw.execute("PRAGMA foreign_keys = OFF")
        for name in tables:
            raw.execute(f"DROP TABLE {name}")
        raw.commit()
        raw.execute("VACUUM")
    data = copy.read_bytes()
    assert b"escalation_raised" in data  # the scan reads real content
    for needle in needles():
        assert needle not in data, needle


def brute_force(key: bytes, targets: set[bytes], candidates: int) -> list[int]:
    """Every candidate id whose HMAC subject under `key` is one of `targets` (8-byte prefixes).

    HMAC-SHA256 by hand with pre-keyed inner/outer states: each candidate costs two hash
    copies instead of a fresh HMAC object (about twice as fast as hmac.new in a loop).
    """
    block = (
        key.ljust(64, b"\0") if len(key) <= 64 else hashlib.sha256(key).digest().ljust(64, b"\0")
    )
    inner = hashlib.sha256(bytes(b ^ 0x36 for b in block)).copy
    outer = hashlib.sha256(bytes(b ^ 0x5C for b in block)).copy
    width = SUBJECT_HEX_CHARS // 2
    hits = []
    for candidate in range(candidates):
        h = inner()
        h.update(b"member:%d" % candidate)
        o = outer()
        o.update(h.digest())
        if o.digest()[:width] in targets:
            hits.append(candidate)
    return hits


async def test_a_million_ids_even_with_the_real_key_match_no_subject(sandbox: Sandbox) -> None:
    await populate(sandbox)
    services = sandbox.services
    assert services is not None
    key = services.pseudonym_key
    stored = {
        row[0]
        for row in await sandbox.db.fetch_all(
            "SELECT DISTINCT subject FROM engagement WHERE subject IS NOT NULL"
        )
    }
    secrets = [
        row[0]
        for row in await sandbox.db.fetch_all(
            "SELECT s.secret FROM member_secrets AS s JOIN members AS m ON m.id = s.member_id"
        )
    ]
    assert stored == {member_subject(key, secret) for secret in secrets}
    assert len(stored) == len(PEOPLE)
    targets = {bytes.fromhex(value) for value in stored}
    # The search is sound: it finds a pseudonym made from an id when one is among the targets ...
    planted = bytes.fromhex(subject(key, PEOPLE[0][0]))
    assert brute_force(key, targets | {planted}, PEOPLE[0][0] + 1) == [PEOPLE[0][0]]
    # ... but subjects come from each member's random secret, not their id: one million
    # candidate ids find none of them, even with the real key.
    started = time.perf_counter()
    assert brute_force(key, targets, 1_000_000) == []
    elapsed = time.perf_counter() - started
    print(f"brute force: 1,000,000 candidates in {elapsed:.2f} s")
