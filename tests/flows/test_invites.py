"""Invite links through the sandbox: /invite makes a signed deep link; /start with it preselects
the role (and cohort); reused, expired, forged or full: a kind answer and normal onboarding."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

from bot.programme.intake import MENTOR_STEPS
from bot.programme.invites import PAYLOAD_MAX, make_payload, parse_payload
from bot.sandbox.client import SandboxUser
from bot.sandbox.fake_telegram import BOT_USERNAME
from bot.sandbox.harness import Sandbox, sandbox_settings
from storage import members
from tests.conftest import shipped_content

LINK = re.compile(r"https://t\.me/(\w+)\?start=([A-Za-z0-9_-]+)")


async def invite(sandbox: Sandbox, args: str) -> str:
    """A coordinator's /invite; the start payload of the link it made."""
    cleo = sandbox.group.coordinator("Cleo")
    text = (await cleo.send(f"/invite {args}"))[-1].text
    found = LINK.search(text)
    assert found is not None, text
    assert found.group(1) == BOT_USERNAME
    return found.group(2)


async def open_link(user: SandboxUser, payload: str) -> list[str]:
    """/start <payload>, then I agree and English; the texts the bot sent."""
    replies = await user.send(f"/start {payload}")
    texts = [m.text for m in replies]
    replies = await user.click(replies[-1], "I agree")
    texts += [m.text for m in replies]
    replies = await user.click(replies[-1], "English")
    return texts + [m.text for m in replies]


async def test_invite_preselects_role_and_cohort_and_works_once(sandbox: Sandbox) -> None:
    payload = await invite(sandbox, "mentor spring26")
    assert len(payload) <= PAYLOAD_MAX and re.fullmatch(r"[A-Za-z0-9_-]+", payload)
    tom = sandbox.user("Tom")
    texts = await open_link(tom, payload)
    assert any("invited to join as a mentor in the group spring26" in t for t in texts)
    member = await members.get_by_telegram_id(sandbox.db, tom.id)
    assert member is not None and member.role == "mentor" and member.cohort == "spring26"
    # The role question is skipped: the next question is the alias, counted without it.
    assert member.intake_step == "alias" and member.invited_at is not None
    total = len(MENTOR_STEPS) - 1
    assert any(f"Step 1 of {total}" in t for t in texts)
    assert any(f"Step 2 of {total}" in t for t in texts)
    profile = (await sandbox.group.coordinator("Cleo").send(f"/member {member.code}"))[-1].text
    assert "Joined through an invite link (cohort: spring26)" in profile
    # The same link again: a kind answer, and normal onboarding with the role question.
    ivy = sandbox.user("Ivy")
    texts = await open_link(ivy, payload)
    assert any("already been used" in t for t in texts)
    again = await members.get_by_telegram_id(sandbox.db, ivy.id)
    assert again is not None and again.role is None and again.intake_step == "role"


async def test_forged_expired_and_bad_usage(sandbox: Sandbox) -> None:
    payload = await invite(sandbox, "mentee")
    body, _, signature = payload.rpartition("-")
    forged = body.replace("_e", "_m") + "-" + signature  # mentee link altered to mentor
    ana = sandbox.user("Ana")
    texts = await open_link(ana, forged)
    assert any("isn't one we recognise" in t for t in texts)
    assert (await members.get_by_telegram_id(sandbox.db, ana.id)).role is None
    bob = sandbox.user("Bob")
    assert any("isn't one we recognise" in m.text for m in await bob.send("/start hello"))

    await sandbox.advance(timedelta(days=15))
    eve = sandbox.user("Eve")
    texts = await open_link(eve, payload)
    assert any("has expired" in t for t in texts)
    assert (await members.get_by_telegram_id(sandbox.db, eve.id)).role is None

    cleo = sandbox.group.coordinator("Cleo")
    for bad in ("/invite", "/invite coordinator", "/invite mentee bad-cohort!", "/invite a b c"):
        assert "Usage: /invite mentor|mentee [cohort]" in (await cleo.send(bad))[-1].text


async def test_a_full_programme_says_so_kindly(tmp_path: Path) -> None:
    settings = sandbox_settings(tmp_path, programme_capacity=1)
    sandbox = await Sandbox(settings=settings, content=shipped_content()).start()
    try:
        await open_link(sandbox.user("Fay"), await invite(sandbox, "mentee"))  # the one place
        gil = sandbox.user("Gil")
        texts = await open_link(gil, await invite(sandbox, "mentee"))
        assert any("programme is full at the moment" in t for t in texts)
        assert (await members.get_by_telegram_id(sandbox.db, gil.id)).intake_step == "role"
    finally:
        await sandbox.stop()


def test_payloads_are_signed_and_fit_telegrams_limit() -> None:
    key = b"k" * 32
    payload = make_payload(key, 999_999_999_999, "mentor", "x" * 24)
    assert len(payload) <= 64
    assert parse_payload(key, payload) == (999_999_999_999, "mentor", "x" * 24)
    assert parse_payload(b"z" * 32, payload) is None
    assert parse_payload(key, payload[:-1] + ("0" if payload[-1] != "0" else "1")) is None
