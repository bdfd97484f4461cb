"""`python -m bot demo`: the seeded programme, the shipped walkthrough, and failure detection."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest

from bot.sandbox.demo import run_demo

REPO = Path(__file__).resolve().parents[2]
CODE = re.compile(r"\b([MP])[2-9A-HJ-NP-Z]{4}\b")  # member and pair codes are random per run
INVITE = re.compile(r"(\?start=[A-Za-z0-9_]+)-[0-9a-f]{16}\b")  # signed with a random key


def normalise(text: str) -> str:
    """Member and pair codes (and invite signatures) differ between runs; nothing else may."""
    return INVITE.sub(r"\1-…", CODE.sub(r"\1····", text.rstrip()))


@pytest.fixture(scope="module")
def walkthrough(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, str, Path]:
    """Run examples/walkthrough.txt once for every test here (exit code, transcript, files)."""
    files = tmp_path_factory.mktemp("demo") / "demo-output"
    lines: list[str] = []
    code = asyncio.run(
        run_demo(script=REPO / "examples" / "walkthrough.txt", out=lines.append, files=files)
    )
    return code, "\n".join(lines), files


def test_walkthrough_runs_cleanly(walkthrough: tuple[int, str, Path]) -> None:
    code, output, _ = walkthrough
    assert code == 0, output[-3000:]
    assert "✗" not in output
    assert "[1] I agree (I'm 18 or over)  [2] Not now  [3] I'm under 18" in output
    assert "Emergency: 911" in output
    assert "Claimed by Cleo" in output
    assert "You're all set. Your member code is M" in output  # intake
    assert "Hola de nuevo" in output  # Eva resumes her intake in Spanish
    assert "finished training" in output and "approved: they can now be matched" in output
    assert "Introductions sent" in output and "is in too" in output
    assert "⏰ Thu 05 Mar 13:00\n\nbot → Ana:\n  🌱 Meet your mentor: Tom" in output  # quiet hours
    assert "Still unclaimed after 20 min" in output  # re-alert
    assert "Weekly digest" in output
    assert re.search(r"Ana \(M\w{4}\): mentee, active, pairs: P\w{4} with Tom \(active\)", output)
    assert "It's time for your weekly check-in" in output
    assert "It's been about a week since you and Sam were last in touch" in output  # nudge
    assert "📋 Sam checked in" in output  # the mentor's card
    assert "Held until 08:00 Max's time" in output  # relay into quiet hours...
    assert (
        "⏰ Tue 10 Mar 08:00\n\nbot → Max:\n  ✉️ From Sam:\n\nbot → Max:\n  Thank you for last week."
    ) in output  # released, and attributed (two mentees)
    assert "bot → Max:\n  ✉️ From Lea:\n\nbot → Max:\n  Hi Max, nice to meet you" in output
    assert "not for them (reason: Not the right time)" in output  # a declined introduction
    assert "Eva · waiting 0 days · Spanish · grief and loss" in output  # back in the pool
    assert "seems to contain an e-mail address" in output  # boundaries
    assert "everything about you has been deleted" in output  # /forget
    # The crisis response: mid-intake, "not safe", the safety plan, the next-day check.
    assert "ana> i don't want to live anymore" in output
    assert "Whenever you're ready, we can carry on where we were" in output
    assert "Step 4 of 13" in output.split("i don't want to live anymore", 1)[1]
    assert "🚨 Please call 911 now" in output and "I've let the programme's coordinators" in output
    assert "I stop answering messages and stay in bed all day" in output  # the safety plan
    assert "I'm still here with you." in output  # a short follow-up, not the block again
    assert "Resolved by Cleo" in output
    assert "⏰ Fri 06 Mar 13:00\n\nbot → Ana:\n  Hi Ana, I'm checking in after yesterday" in output
    assert "invited to join as a mentor in the group spring26" in output  # invite link
    assert "already been used (each link works once)" in output
    assert "Your pair with Lea is paused for now" in output  # /suspend
    assert "on hold for now" in output.split("lea> /checkin", 1)[1]


def test_seeded_cast_is_introduced(walkthrough: tuple[int, str, Path]) -> None:
    _, output, _ = walkthrough
    for name in ("ana", "eva", "lea", "sam", "max", "tom", "group"):
        assert f"/as {name}" in output
    assert re.search(r"Sam \(M[2-9A-Z]{4}\): mentee, paired with Max", output)
    assert re.search(r"Sam and Max are pair P[2-9A-Z]{4}", output)
    # the past cohort gives the dashboard published figures, not only "<11"
    assert re.search(r"Pairs: \d\d formed", output)
    assert "Most helpful coping strategies: Slow breathing" in output


def test_charts_and_exports_are_saved(walkthrough: tuple[int, str, Path]) -> None:
    _, output, files = walkthrough
    charts = sorted(files.glob("*-chart.png"))
    exports = sorted(files.glob("*-export.csv"))
    assert charts and charts[0].read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert exports and exports[0].read_text("utf-8").splitlines()[0].startswith("week")
    assert f"[chart saved as {files.name}/{charts[0].name}]" in output


def test_the_tour_page_is_the_walkthrough_output(walkthrough: tuple[int, str, Path]) -> None:
    """Every line of docs/tour.md's tour appears in the walkthrough's output, in the same order."""
    page = (REPO / "docs" / "tour.md").read_text("utf-8")
    block = re.search(r"<!-- tour:start -->\n```text\n(.*?)```\n<!-- tour:end -->", page, re.S)
    assert block, (
        "docs/tour.md needs a tour block between <!-- tour:start --> and <!-- tour:end -->"
    )
    shown = [normalise(line) for line in block.group(1).splitlines()]
    shown = [line for line in shown if line.strip() and line.strip() != "…"]
    assert len(shown) > 30
    output = [normalise(line) for line in walkthrough[1].splitlines()]
    position = 0
    for line in shown:
        try:
            position = output.index(line, position) + 1
        except ValueError:
            pytest.fail(f"docs/tour.md line not in the walkthrough output (in order): {line!r}")


async def _run(tmp_path: Path, script: str) -> tuple[int, str]:
    path = tmp_path / "script.txt"
    path.write_text(script, "utf-8")
    lines: list[str] = []
    code = await run_demo(script=path, out=lines.append, files=tmp_path / "files")
    return code, "\n".join(lines)


async def test_missing_button_fails_a_script(tmp_path: Path) -> None:
    code, output = await _run(tmp_path, "/start\n4\n")
    assert code == 1
    assert "line 2 ('4') failed: StepFailed: press a number from 1 to 3" in output


async def test_unknown_person_and_bad_wait_fail_a_script(tmp_path: Path) -> None:
    assert (await _run(tmp_path, "/as nobody\n"))[0] == 1
    assert (await _run(tmp_path, "/wait soon\n"))[0] == 1


async def test_handler_error_fails_a_script(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from handlers import fallback

    async def broken(*_: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(fallback, "help_command", broken)
    code, output = await _run(tmp_path, "/help\n/start\n")
    assert code == 1
    assert "line 1 ('/help') logged an error: handlers.errors" in output
    assert "ana> /start" not in output  # the run stops at the failing step


async def test_interactive_mode_carries_on(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    typed = iter(["/as nobody", "9", "/wait soon", "/who", "/quit"])
    monkeypatch.setattr("builtins.input", lambda _prompt: next(typed))
    lines: list[str] = []
    assert await run_demo(out=lines.append, files=tmp_path) == 0
    output = "\n".join(lines)
    assert "no one called 'nobody'" in output
    assert "there is no message with buttons here" in output
    assert "use /wait 30m" in output
