"""Data-rights storage: tables tied to members are found from the schema; deletes are secure."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from storage import data_rights, members, training
from storage.db import Database

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


async def test_tables_referencing_members_come_from_foreign_keys(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "bot.sqlite3")
    try:
        assert await db.fetch_value("PRAGMA secure_delete") == 1
        found = await data_rights.tables_referencing_members(db)
        assert set(found["pairs"]) == {"mentee_id", "mentor_id"}
        assert found["training_progress"] == ["member_id"]
        assert found["outbox"] == ["member_id"] and found["escalations"] == ["member_id"]
        assert "engagement" not in found and "audit_log" not in found
        await db.execute(
            "CREATE TABLE extra (id INTEGER PRIMARY KEY, who INTEGER "
            "REFERENCES members (id) ON DELETE CASCADE, note TEXT)"
        )
        assert (await data_rights.tables_referencing_members(db))["extra"] == ["who"]
    finally:
        await db.close()


async def test_rows_leave_out_other_peoples_ids_and_delete_cascades(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "bot.sqlite3")
    try:
        member = await members.create_on_consent(
            db, telegram_id=42, language="en", country="US", timezone="UTC", now=NOW
        )
        await training.record_answer(db, member.id, "m", "q", correct=False, now=NOW)
        await training.record_answer(db, member.id, "m", "q", correct=True, now=NOW)
        await training.record_answer(db, member.id, "m", "q", correct=False, now=NOW)
        rows = await data_rights.rows_of(db, "training_progress", ["member_id"], member.id)
        assert rows == [
            {
                "member_id": member.id,
                "module_id": "m",
                "question_id": "q",
                "attempts": 3,
                "passed_at": "2026-03-02T09:00:00",
            }
        ]
        await db.execute(
            "INSERT INTO escalations (member_id, member_code, severity, source, created_at, "
            "updated_at, claimed_by, claimed_by_name) VALUES (?, ?, 'high', 'chat', ?, ?, 7, 'Cleo')",
            (member.id, member.code, "t", "t"),
        )
        escalation = (await data_rights.rows_of(db, "escalations", ["member_id"], member.id))[0]
        assert "claimed_by" not in escalation and "claimed_by_name" not in escalation
        async with db.transaction() as connection:
            await data_rights.delete_member(connection, member.id, member.telegram_id)
        assert await training.progress(db, member.id) == []
        assert await db.fetch_value("SELECT member_id FROM escalations") is None
        assert await db.fetch_value("SELECT member_code FROM escalations") == member.code
    finally:
        await db.close()
