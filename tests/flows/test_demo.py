"""`python -m bot demo --script` runs the shipped walkthrough without errors or violations."""

from __future__ import annotations

from pathlib import Path

from bot.demo import parse_duration, run_demo

REPO = Path(__file__).resolve().parents[2]


async def test_walkthrough_runs_cleanly() -> None:
    lines: list[str] = []
    code = await run_demo(script=REPO / "examples" / "walkthrough.txt", out=lines.append)
    output = "\n".join(lines)
    assert code == 0, output
    assert "[1] I agree  [2] Not now" in output
    assert "Thank you for joining" in output
    assert "Emergency: 911" in output
    assert "No soy un servicio de crisis" in output  # Eva gets Spanish
    assert "violation" not in output


def test_durations() -> None:
    assert parse_duration("1d").days == 1
    assert parse_duration("90m").seconds == 5400
