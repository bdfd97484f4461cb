"""Rebuild docs/tour.md from the walkthrough: `python examples/update_readme_tour.py`.

Runs examples/walkthrough.txt through the demo and puts a trimmed transcript between the
tour markers of docs/tour.md: narration and typed lines in full, the first lines of each bot message
and its buttons, most intake questions left out. tests/flows/test_demo.py checks that every
line of the tour still appears in the walkthrough's output, in order.
"""

from __future__ import annotations

import asyncio
import re
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TOUR = REPO / "docs" / "tour.md"
sys.path.insert(0, str(REPO))

from bot.sandbox.demo import run_demo  # noqa: E402

BODY_LINES = 2  # lines of each bot message kept
SKIP = re.compile(r"^  (Step|Paso) ([2-9]|1[0-2]) of")  # intake questions 2-12
GAP = "  …"


def exchanges(lines: list[str]) -> list[list[str]]:
    """Split a transcript into blocks: narration, or a typed line with what followed it."""
    blocks: list[list[str]] = [[]]
    for line in lines:
        in_narration = bool(blocks[-1]) and blocks[-1][0].startswith("#")
        narration_starts = line.startswith("#") and bool(blocks[-1]) and not in_narration
        if narration_starts or re.match(r"^[a-z]+> ", line):
            blocks.append([])
        blocks[-1].append(line)
    return blocks


def trim_block(block: list[str]) -> list[str]:
    """Keep the typed line, and of each bot message its first lines and its buttons."""
    kept: list[str] = []
    body = 0
    for line in block:
        if line.startswith(("bot → ", "#", "  ⏰", "  ⏩", "  (you are", "  /as ")) or re.match(
            r"^[a-z]+> ", line
        ):
            kept.append(line)
            body = 0
        elif line.startswith("  [1] "):
            kept.append(line)
        elif not line.strip():
            if kept and kept[-1].strip():
                kept.append("")
        else:
            body += 1
            if body <= BODY_LINES:
                kept.append(line)
            elif body == BODY_LINES + 1:
                kept.append(GAP)
    return kept


def tour(transcript: str) -> str:
    """The tour for a transcript."""
    lines = transcript.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("It is "))
    end = next(i for i, line in enumerate(lines) if line.startswith("Files the bot sent"))
    blocks = exchanges(lines[start:end])
    out: list[str] = list(blocks[0])  # who is who, in full
    skipping = False
    for block in blocks[1:]:
        silent = not any(line.startswith("bot → ") for line in block)
        if any(SKIP.match(line) for line in block) or (skipping and silent):
            if out and out[-1] != GAP:
                out.append(GAP)
            skipping = True
            continue
        skipping = False
        out += trim_block(block)
    return "\n".join(line.rstrip() for line in out).strip() + "\n"


def main() -> int:
    """Run the walkthrough and rewrite the tour block of docs/tour.md."""
    lines: list[str] = []
    with tempfile.TemporaryDirectory() as folder:
        code = asyncio.run(
            run_demo(
                script=REPO / "examples" / "walkthrough.txt",
                out=lines.append,
                files=Path(folder) / "demo-output",
            )
        )
    if code:
        print("\n".join(lines[-20:]))
        return code
    page = TOUR.read_text("utf-8")
    block = f"<!-- tour:start -->\n```text\n{tour(chr(10).join(lines))}```\n<!-- tour:end -->"
    page = re.sub(r"<!-- tour:start -->.*?<!-- tour:end -->", lambda _: block, page, flags=re.S)
    TOUR.write_text(page, "utf-8")
    print("docs/tour.md updated")
    return 0


if __name__ == "__main__":
    sys.exit(main())
