"""The demo: resuming with --database, pop-ups and button changes in the transcript, numbers
pressing the buttons last shown, and files saved under the type the bot sent."""

from __future__ import annotations

import json
from pathlib import Path

from bot.sandbox.demo import run_demo


async def demo(tmp_path: Path, name: str, lines: list[str], **options: object) -> str:
    """Run a scripted demo; its transcript (the run must succeed)."""
    script = tmp_path / f"{name}.txt"
    script.write_text("\n".join(lines) + "\n", "utf-8")
    out: list[str] = []
    code = await run_demo(script=script, out=out.append, files=tmp_path / "files", **options)  # type: ignore[arg-type]
    transcript = "\n".join(out)
    assert code == 0, transcript[-2000:]
    return transcript


async def test_resume_keeps_the_clock_and_hears_the_first_messages(tmp_path: Path) -> None:
    database = tmp_path / "demo.sqlite3"
    first = await demo(tmp_path, "one", ["/start", "1", "/wait 2h"], database=database)
    assert "It is Thursday 05 March 2026, 09:30 UTC" in first
    second = await demo(
        tmp_path, "two", ["/as sam", "Hello Max, are you there?"], database=database
    )
    assert "It is Thursday 05 March 2026, 11:30 UTC" in second  # not back to the start
    assert "Ana (M" in second and "no role yet, intake" in second  # who is where, resumed
    # The very first message of the second run is handled, not dropped as a replay.
    after = second.split("sam> Hello Max, are you there?", 1)[1]
    assert "bot → Max:\n  Hello Max, are you there?" in after


async def test_pop_ups_button_changes_fresh_buttons_and_file_types(tmp_path: Path) -> None:
    transcript = await demo(
        tmp_path,
        "three",
        [
            "/start",
            "1",
            "1",
            "1",
            "Ana",
            "2",
            "1",
            "/as ana",
            "i feel hopeless",
            "/as group",
            "/escalations",
            "1",
            "1",
            "/as max",
            "/mydata",
        ],
    )
    assert "bot → Ana (buttons changed):\n  [1] ✅ English" in transcript
    assert "bot → group (pop-up):\n  Thank you, it's yours." in transcript
    # After claiming from the list, "1" presses the claimed alert's new button (Resolved),
    # not the list's old "I'm on it" again.
    after_claim = transcript.split("Thank you, it's yours.", 1)[1]
    assert "Reached, safe for now" in after_claim
    assert "already" not in after_claim.split("max> /mydata")[0].lower()
    saved = sorted((tmp_path / "files").iterdir())
    data = [path for path in saved if path.suffix == ".json"]
    assert len(data) == 1 and "data saved as files/" in transcript
    assert json.loads(data[0].read_text("utf-8"))["member"]["alias"] == "Max"
