"""A year of a programme written straight into a bot database, for bench/year.py.

Members and pairs come from the sandbox population helper; the history (anonymised engagement,
check-ins, the relay map and the sent outbox rows a year leaves behind) is bulk-inserted with
sqlite3, shaped like the history described in the benchmark notes: per pair about 45 weekly
check-ins and 90 relayed messages; a fifth of the pairs have ended.
"""

from __future__ import annotations

import random
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

from bot.core.clock import to_db
from bot.core.pseudonym import pair_ref, subject
from bot.sandbox.population import seed_pairs
from storage.db import Database
from storage.engagement import hour_bucket

FIRST_ID = 5_000_000


async def seed_year(db: Database, key: bytes, pairs: int, now: datetime) -> None:
    """`pairs` pairs (2 x pairs members) and a year of their history."""
    await seed_pairs(db, count=pairs, now=now, first_telegram_id=FIRST_ID, approved_by=1)
    await db.checkpoint()
    _history(Path(db.path), key, now)


def _history(path: Path, key: bytes, now: datetime) -> None:
    rng = random.Random(7)
    connection = sqlite3.connect(path)
    rows = connection.execute(
        "SELECT p.id, p.code, e.id, e.telegram_id, o.id, o.telegram_id, e.code FROM pairs p "
        "JOIN members e ON e.id = p.mentee_id JOIN members o ON o.id = p.mentor_id ORDER BY p.id"
    ).fetchall()
    start = now - timedelta(weeks=52)
    events: list[tuple[object, ...]] = []
    checkins: list[tuple[object, ...]] = []
    relayed: list[tuple[object, ...]] = []
    outbox: list[tuple[object, ...]] = []
    ended: list[tuple[object, ...]] = []
    message_id = 10
    for index, (pair_id, code, mentee, mentee_chat, mentor, mentor_chat, mentee_code) in enumerate(
        rows
    ):
        joined = start + timedelta(hours=rng.randint(0, 24 * 7 * 8))
        paired = joined + timedelta(days=3)
        end = paired + timedelta(weeks=rng.randint(4, 20)) if index < len(rows) // 5 else now
        ref = pair_ref(key, code)
        people = ((mentee_chat, "mentee"), (mentor_chat, "mentor"))
        for chat, role in people:
            who = subject(key, chat)
            events += [
                (hour_bucket(joined), "consented", role, who, None, None),
                (hour_bucket(paired), "paired", role, who, ref, None),
            ]
        if end < now:
            events.append(
                (hour_bucket(end), "ended", None, None, ref, float(rng.choice((1, 2, 6))))
            )
            ended.append((to_db(paired), to_db(end), pair_id))
        mentee_subject = subject(key, mentee_chat)
        moment, week = paired, 0
        while moment < end:
            mood = rng.randint(1, 5)
            events.append(
                (hour_bucket(moment), "checkin_done", "mentee", mentee_subject, ref, float(mood))
            )
            checkins.append((mentee, pair_id, f"Y{week:03d}", mood, to_db(moment), to_db(moment)))
            outbox.append(
                (
                    f"checkin:{mentee_code}:{week}",
                    mentee_chat,
                    mentee,
                    "scheduled",
                    "checkin_prompt",
                    to_db(moment),
                )
            )
            if week % 4 == 0:
                events.append(
                    (
                        hour_bucket(moment),
                        "who5_score",
                        "mentee",
                        mentee_subject,
                        ref,
                        float(rng.randint(20, 90)),
                    )
                )
            if rng.random() < 0.4:
                events.append(
                    (hour_bucket(moment), "coping_opened", "mentee", mentee_subject, None, None)
                )
            for _ in range(2):
                (sender, sender_chat), (receiver, receiver_chat) = rng.sample(
                    [(mentee, mentee_chat), (mentor, mentor_chat)], 2
                )
                sent = moment + timedelta(minutes=rng.randint(0, 7 * 24 * 60))
                message_id += 1
                relayed.append(
                    (
                        pair_id,
                        sender,
                        receiver,
                        sender_chat,
                        message_id,
                        receiver_chat,
                        message_id + 1,
                        to_db(sent),
                        to_db(sent),
                        to_db(sent),
                    )
                )
                outbox.append(
                    (
                        f"relay:{sender_chat}:{message_id}:{receiver_chat}",
                        receiver_chat,
                        receiver,
                        "relay",
                        "relay_copy",
                        to_db(sent),
                    )
                )
                events.append((hour_bucket(sent), "message_relayed", None, None, ref, None))
            moment += timedelta(weeks=1)
            week += 1
    with connection:
        connection.executemany(
            "INSERT INTO engagement (hour, kind, role, subject, pair_ref, value) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            sorted(events, key=lambda row: str(row[0])),
        )
        connection.executemany(
            "INSERT OR IGNORE INTO checkins (member_id, pair_id, period, mood, created_at, "
            "updated_at) VALUES (?, ?, ?, ?, ?, ?)",
            checkins,
        )
        connection.executemany(
            "INSERT INTO relay_messages (pair_id, from_member_id, to_member_id, from_chat, "
            "from_msg, to_chat, to_msg, sent_at, deliver_at, delivered_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            relayed,
        )
        connection.executemany(
            "INSERT INTO outbox (idempotency_key, chat_id, member_id, lane, kind, payload, "
            "not_before, status, attempts, created_at, sent_at) "
            "VALUES (?, ?, ?, ?, ?, '{}', ?6, 'sent', 1, ?6, ?6)",
            outbox,
        )
        # Pairs that talk are not quiet: their last contact is their latest relayed message.
        connection.execute(
            "UPDATE pairs SET last_contact_at = (SELECT MAX(sent_at) FROM relay_messages r "
            "WHERE r.pair_id = pairs.id AND r.sent_at <= ?)",
            (to_db(now),),
        )
        connection.executemany(
            "UPDATE pairs SET status = 'ended', started_at = ?, ended_at = ?, "
            "end_reason = 'completed' WHERE id = ?",
            ended,
        )
    connection.close()
