"""/forget after a member really used the bot (relayed both ways, checked in, raised an alert,
reported a concern): no form of their Telegram id is left in the database file, and their
anonymised events can no longer be linked to anyone, even with the pseudonym key."""

from __future__ import annotations

from bot.core.pseudonym import member_subject, subject
from bot.safety.escalation_lifecycle import claim, resolve
from bot.sandbox.harness import Sandbox
from storage import escalations
from tests.flows.pairing_helpers import make_member, make_pair
from tests.flows.test_checkin import answer_checkin
from tests.flows.test_members_data import database_bytes, traces
from tests.flows.test_relay import copies

TELEGRAM_ID = 7_234_567_891  # large, like real ids: needs 6 bytes, so no accidental matches
ALIAS = "Quillon Marrow"
COORDINATOR = 5_550_001


async def subjects(sandbox: Sandbox) -> set[str]:
    """Every pseudonym in the engagement log."""
    rows = await sandbox.db.fetch_all("SELECT DISTINCT subject FROM engagement")
    return {row["subject"] for row in rows if row["subject"]}


async def test_forget_after_relay_checkin_alert_and_report_leaves_no_trace(
    sandbox: Sandbox,
) -> None:
    assert sandbox.services is not None
    key = sandbox.services.pseudonym_key
    zed, leo = sandbox.user("Zed", user_id=TELEGRAM_ID), sandbox.user("Leo")
    mentee = await make_member(sandbox, zed, "mentee", ALIAS)
    mentor = await make_member(sandbox, leo, "mentor", "Oak")
    await make_pair(sandbox, mentee, mentor)
    # Relayed both ways, threaded.
    await zed.send("Hello Oak, rough week")
    await sandbox.flush_outbox()
    hello = copies(leo.messages())[-1]
    await leo.send("Here for you", reply_to=hello)
    await sandbox.flush_outbox()
    assert copies(zed.messages())
    # A check-in.
    replies = await zed.send("/checkin")
    await answer_checkin(zed, replies[1], note=None, contact=True)
    # Crisis words: an alert, claimed and resolved by a coordinator.
    await zed.send("i want to end it all")
    (alert,) = await escalations.open_escalations(sandbox.db)
    await claim(sandbox.services, alert.id, by=COORDINATOR, name="Cora")
    await resolve(sandbox.services, alert.id, by=COORDINATOR, name="Cora", outcome="safe")
    # A concern reported.
    await zed.send("/report")
    await zed.click(zed.last_with_buttons(), "Boundaries")
    await sandbox.flush_outbox()

    secret = await sandbox.db.fetch_value(
        "SELECT secret FROM member_secrets WHERE member_id = ?", (mentee.id,)
    )
    theirs = member_subject(key, secret)
    assert theirs in await subjects(sandbox)
    await sandbox.db.checkpoint()
    assert "id as 6-byte integer" in traces(database_bytes(sandbox), TELEGRAM_ID, ALIAS)

    # An event from before pseudonyms came from a secret (keyed on the Telegram id itself).
    await sandbox.db.execute(
        "INSERT INTO engagement (hour, kind, role, subject) VALUES ('2026-01-05T10:00:00', "
        "'joined', 'mentee', ?)",
        (subject(key, TELEGRAM_ID),),
    )
    ask = (await zed.send("/forget"))[-1]
    replies = await zed.click(ask, "Yes, delete everything")
    assert "everything about you has been deleted" in replies[-1].text
    await sandbox.flush_outbox()
    await sandbox.db.checkpoint()

    assert traces(database_bytes(sandbox), TELEGRAM_ID, ALIAS) == []
    # Crypto-shredding: their events remain (anonymised figures), but no secret left in the
    # database turns into their pseudonym, and the id's own HMAC was never used.
    left = await subjects(sandbox)
    assert theirs in left
    secrets_left = await sandbox.db.fetch_all("SELECT secret FROM member_secrets")
    assert all(member_subject(key, row["secret"]) != theirs for row in secrets_left)
    assert subject(key, TELEGRAM_ID) not in left
    assert (
        await sandbox.db.fetch_value(
            "SELECT COUNT(*) FROM member_secrets WHERE member_id = ?", (mentee.id,)
        )
        == 0
    )
