"""/mydata, /forget (checked in the database file's bytes) and reachability (my_chat_member)."""

from __future__ import annotations

import json
from pathlib import Path

from bot.core.schedule import INDEFINITE
from bot.sandbox.harness import Sandbox
from storage import engagement, members, pairs
from tests.flows.members_helpers import finish_training, join_as_mentee, join_as_mentor, member_of

TELEGRAM_ID = 7_123_456_789  # large, like real ids: needs 6 bytes, so no accidental matches
ALIAS = "Zephyrine Quill"


def database_bytes(sandbox: Sandbox) -> bytes:
    """The database file and its WAL, as they are on disk."""
    path = Path(sandbox.db.path)
    wal = Path(str(path) + "-wal")
    return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


def traces(blob: bytes, telegram_id: int, alias: str) -> list[str]:
    """Which forms of the id or alias appear in the bytes."""
    forms = {
        "id as text": str(telegram_id).encode(),
        "id as 8-byte integer": telegram_id.to_bytes(8, "big"),
        "id as 6-byte integer": telegram_id.to_bytes(6, "big"),  # SQLite's own record format
        "alias": alias.encode(),
    }
    return [name for name, form in forms.items() if form in blob]


async def test_mydata_sends_every_row_as_json(sandbox: Sandbox) -> None:
    rob = sandbox.user("Rob")
    assert "don't hold any information" in (await rob.send("/mydata"))[0].text
    await join_as_mentor(rob)
    await rob.click(rob.last_with_buttons(), "Start training")
    replies = await rob.send("/mydata")
    document = replies[-1].raw["document"]
    assert "Everything this bot holds" in replies[-1].text
    data = json.loads(sandbox.fake.files[document["file_id"]])
    member = await member_of(sandbox, rob)
    assert data["member"]["telegram_id"] == rob.id and data["member"]["alias"] == "Rowan"
    assert data["member"]["lived_experience"] == ["anxiety"]
    assert data["member"]["preferences"] == {"gender": "man"}
    assert data["member"]["code"] == member.code
    assert [event["kind"] for event in data["anonymised_events"]] == ["consented", "intake_done"]
    assert "subject" not in data["anonymised_events"][0]
    assert "training_progress" in data and "pairs" in data and "outbox" in data


async def test_forget_erases_every_trace_from_the_file(sandbox: Sandbox) -> None:
    mentee = sandbox.user("Zed", user_id=TELEGRAM_ID)
    await join_as_mentee(mentee, alias=ALIAS)
    mentor = sandbox.user("Rob")
    await join_as_mentor(mentor)
    await finish_training(sandbox, mentor)
    assert sandbox.services is not None
    zed, rob = await member_of(sandbox, mentee), await member_of(sandbox, mentor)
    pair = await pairs.create(
        sandbox.db, mentee_id=zed.id, mentor_id=rob.id, approved_by=None, now=sandbox.clock.now()
    )
    for person in (zed, rob):
        await members.update_profile(sandbox.db, person.id, sandbox.clock.now(), status="active")
    await mentee.send("/crisis")
    await mentee.send("/mydata")
    await sandbox.db.checkpoint()
    before = traces(database_bytes(sandbox), TELEGRAM_ID, ALIAS)
    assert {"id as 6-byte integer", "alias"} <= set(before)  # the check can see them

    ask = (await mentee.send("/forget"))[-1]
    assert ask.button_labels == ["Yes, delete everything", "No, keep my data"]
    await mentee.click(ask, "No, keep")
    assert await members.get_by_telegram_id(sandbox.db, TELEGRAM_ID) is not None
    ask = (await mentee.send("/forget"))[-1]
    replies = await mentee.click(ask, "Yes, delete everything")
    assert "everything about you has been deleted" in replies[-1].text

    assert traces(database_bytes(sandbox), TELEGRAM_ID, ALIAS) == []
    assert await members.get_by_telegram_id(sandbox.db, TELEGRAM_ID) is None
    assert (
        await sandbox.db.fetch_value(
            "SELECT COUNT(*) FROM outbox WHERE chat_id = ?", (TELEGRAM_ID,)
        )
        == 0
    )
    ended = await pairs.get(sandbox.db, pair.id)
    assert ended is not None and ended.status == "ended" and ended.mentee_id is None
    assert "Your mentee has left the programme" in mentor.last_message().text
    assert (await member_of(sandbox, mentor)).status == "waiting"
    notice = sandbox.group.bot_messages()[-1].text
    assert zed.code in notice and pair.code in notice and ALIAS not in notice
    kinds = [event.kind for event in await engagement.events(sandbox.db)]
    assert "forgot" in kinds and "consented" in kinds  # anonymised events are kept

    # /forget twice, and the old confirmation pressed again: clear answers, nothing breaks.
    assert "don't hold any information" in (await mentee.send("/forget"))[0].text
    await mentee.click(ask, "Yes, delete everything")
    assert "expired" in mentee.answers()[-1]["text"]
    # They can come back as a newcomer.
    replies = await mentee.send("/start")
    assert replies[-1].button_labels == ["I agree (I'm 18 or over)", "Not now", "I'm under 18"]


async def test_forget_in_the_middle_of_intake(sandbox: Sandbox) -> None:
    ana = sandbox.user("Ana", user_id=TELEGRAM_ID)
    replies = await ana.send("/start")
    language = (await ana.click(replies[1], "I agree"))[-1]
    role = (await ana.click(language, "English"))[-1]
    await ana.click(role, "I'd like support")
    await ana.send(ALIAS)
    await sandbox.db.checkpoint()
    # The saved flow state's key holds the id as text: it must go too.
    assert "id as text" in traces(database_bytes(sandbox), TELEGRAM_ID, ALIAS)
    ask = (await ana.send("/forget"))[-1]
    await ana.click(ask, "Yes, delete everything")
    assert traces(database_bytes(sandbox), TELEGRAM_ID, ALIAS) == []
    replies = await ana.send("25-34")  # the intake question they had left open
    assert "haven't joined yet" in replies[-1].text
    assert await sandbox.db.fetch_value("SELECT COUNT(*) FROM members") == 0


async def test_blocking_and_unblocking(sandbox: Sandbox) -> None:
    ana = sandbox.user("Ana")
    await ana.block()  # not a member yet: nothing stored, no one told
    assert sandbox.group.bot_messages() == []
    await ana.unblock()
    await join_as_mentee(ana)
    member = await member_of(sandbox, ana)
    await ana.block()
    assert (await member_of(sandbox, ana)).unreachable
    assert f"Member {member.code} blocked the bot" in sandbox.group.bot_messages()[-1].text
    await ana.unblock()
    assert not (await member_of(sandbox, ana)).unreachable
    assert f"Member {member.code} unblocked" in sandbox.group.bot_messages()[-1].text


async def test_paused_until_resume_is_kept_in_export(sandbox: Sandbox) -> None:
    ana = sandbox.user("Ana")
    await join_as_mentee(ana)
    await ana.click((await ana.send("/pause"))[-1], "Until I resume")
    replies = await ana.send("/mydata")
    data = json.loads(sandbox.fake.files[replies[-1].raw["document"]["file_id"]])
    assert data["member"]["paused_until"] == INDEFINITE
