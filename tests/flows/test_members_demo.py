"""The members walkthrough runs through `python -m bot demo --script` without violations."""

from __future__ import annotations

from pathlib import Path

from bot.sandbox.demo import run_demo

REPO = Path(__file__).resolve().parents[2]


async def test_members_walkthrough_runs_cleanly(tmp_path: Path) -> None:
    lines: list[str] = []
    script = REPO / "examples" / "members_walkthrough.txt"
    code = await run_demo(script=script, database=tmp_path / "demo.sqlite3", out=lines.append)
    output = "\n".join(lines)
    assert code == 0, output
    assert "You're all set" in output and "Your settings" in output
    assert "Paused until" in output and "Reminders are on again" in output
    assert "everything about you has been deleted" in output
    assert "violation" not in output
