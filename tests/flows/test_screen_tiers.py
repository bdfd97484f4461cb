"""Each tier of the crisis screen, end to end: check, concern, high, imminent, danger, guidance,
and the conversation (a concern yesterday raises today's tier). The screen runs with a tiny
hand-made model (tests/risk_helpers.py) so the flows do not depend on trained weights."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from conftest import shipped_content
from risk_helpers import tiny_screen

from bot.sandbox.harness import Sandbox, sandbox_settings
from bot.screen.risk import RiskResult, Severity
from storage import risk_signals
from tests.safety_helpers import escalation_rows, joined


@pytest.fixture
async def box(tmp_path: Path) -> AsyncIterator[Sandbox]:
    """A bot whose screen uses the tiny model."""
    content = dataclasses.replace(shipped_content(), risk=tiny_screen())
    sandbox = Sandbox(sandbox_settings(tmp_path), content=content)
    await sandbox.start()
    yield sandbox
    await sandbox.stop()
    assert sandbox.violations == []


async def signals(sandbox: Sandbox) -> list[tuple[int, str]]:
    """(severity, kind) of every stored signal."""
    rows = await sandbox.db.fetch_all("SELECT severity, kind FROM risk_signals ORDER BY id")
    return [(row["severity"], row["kind"]) for row in rows]


async def test_check_gets_one_caring_line_without_numbers_and_no_alert(box: Sandbox) -> None:
    ana = box.user("Ana")
    await joined(box, ana)
    replies = await ana.send("two years ago i wanted to die. today i baked a cake")
    assert "How are you doing with it now?" in replies[0].text and "/crisis" in replies[0].text
    assert "988" not in replies[0].text and replies[0].button_labels == []
    assert box.group.bot_messages() == [] and await escalation_rows(box) == []
    assert await signals(box) == [(0, "self")]


async def test_check_in_spanish(box: Sandbox) -> None:
    eva = box.user("Eva", language_code="es")
    await joined(box, eva, country="ES", language="es")
    replies = await eva.send("hace dos años quería morir")
    assert "¿Cómo lo llevas ahora?" in replies[0].text and "024" not in replies[0].text


async def test_high_imminent_and_danger_get_the_crisis_path_and_an_alert(box: Sandbox) -> None:
    ana, bo, cy = box.user("Ana"), box.user("Bo"), box.user("Cy")
    for user in (ana, bo, cy):
        await joined(box, user)
    assert "988" in (await ana.send("i want to die"))[0].text
    assert "Your safety matters most" in (await bo.send("i am on the bridge"))[0].text
    danger = (await cy.send("he hits me"))[0]
    assert "988" in danger.text and danger.button_labels == ["I'm safe for now", "I'm not safe"]
    assert [row["severity"] for row in await escalation_rows(box)] == ["high", "imminent", "high"]
    assert [kind for _, kind in await signals(box)] == ["self", "self", "danger"]


async def test_mentor_asking_about_a_disclosure_gets_the_guidance_card(box: Sandbox) -> None:
    mo = box.user("Mo")
    await joined(box, mo, role="mentor")
    card = (await mo.send("my mentee said she wants to die, what do i do?"))[0]
    assert "Ask directly" in card.text and "911" in card.text
    assert card.button_labels == ["📞 Show the lines"]
    assert "glad you reached out" not in card.text
    assert box.group.bot_messages() == [] and await escalation_rows(box) == []
    # a mentor in distress is still a person in distress
    assert "988" in (await mo.send("i want to die"))[0].text
    assert len(await escalation_rows(box)) == 1


async def test_a_concern_yesterday_raises_the_tier_of_today(box: Sandbox) -> None:
    ana = box.user("Ana")
    member = await joined(box, ana)
    assert box.services is not None
    assert (await ana.send("feeling low")) == [] or box.group.bot_messages() == []
    now = box.services.clock.now()
    await risk_signals.record(
        box.db, member.id, RiskResult(Severity.CONCERN, "x", "en"), now - timedelta(hours=20)
    )
    raised = (await ana.send("feeling low"))[0]
    assert "988" in raised.text
    assert [row["severity"] for row in await escalation_rows(box)] == ["concern"]
    # signals older than a day no longer count, and are pruned on the next write
    await box.db.execute("UPDATE risk_signals SET at = ?", ("2000-01-01T00:00:00",))
    await ana.send("feeling low")
    assert await risk_signals.recent(box.db, member.id, box.services.clock.now()) == []


async def test_forget_removes_the_signals(box: Sandbox) -> None:
    from storage.data_rights import tables_referencing_members

    assert "risk_signals" in await tables_referencing_members(box.db)
