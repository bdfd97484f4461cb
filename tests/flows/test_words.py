"""Words, not keys and raw numbers: plurals, relative times and dates in en and es."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from bot.sandbox.harness import Sandbox
from tests.flows.matching_helpers import mentee, mentor, with_button
from tests.flows.test_reload import editable  # noqa: F401 (fixture)


async def test_coordinators_read_ages_in_words_and_real_open_counts(sandbox: Sandbox) -> None:
    ana = sandbox.user("Ana")
    await ana.send("/start")
    await ana.send("i feel hopeless")  # an alert (concern)
    sandbox.clock.advance(timedelta(minutes=7110))
    cleo = sandbox.group.coordinator("Cleo")
    listing = (await cleo.send("/escalations"))[0].text
    assert "5 days ago" in listing and "min ago" not in listing
    dashboard = "\n".join(m.text for m in await cleo.send("/dashboard"))
    assert "1 open now" in dashboard and "<11 open now" not in dashboard


async def test_an_unaccepted_introduction_counts_days_in_words(sandbox: Sandbox) -> None:
    await mentee(sandbox)
    await mentor(sandbox)
    cleo = sandbox.group.coordinator("Cleo")
    await cleo.click(with_button(await cleo.send("/suggest"), "Approve"), "Approve")
    await sandbox.advance(timedelta(days=3, hours=1))
    late = next(m.text for m in sandbox.group.bot_messages() if "not accepted yet" in m.text)
    assert "introduced 3 days ago" in late
    pending = (await cleo.send("/pairs"))[0].text
    assert "last contact never" in pending


async def test_one_problem_is_not_problems(editable: tuple[Sandbox, Path]) -> None:  # noqa: F811
    sandbox, content = editable
    crisis = content / "crisis.yaml"
    crisis.write_text(crisis.read_text("utf-8").replace('emergency: "999"', "", 1), "utf-8")
    answer = (await sandbox.group.coordinator("Cleo").send("/reload"))[0].text
    assert "1 problem found" in answer and "problem(s)" not in answer
