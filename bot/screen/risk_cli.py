"""`python -m bot screen` and `python -m bot train-risk`: the crisis screen from the command line.

``screen`` reads plain lines (a file or standard input) and prints, for each line, its number,
the tier, the kind, the score and the rule or model that fired; never the text. Given a labelled
TSV (see bot/screen/risk_report.py) it marks misses and false alarms and prints recall and
false-positive rate per language and category with 95% Wilson intervals.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TextIO

from bot.screen.risk import RiskScreen
from bot.screen.risk_report import crisis, figures, is_labelled, read_labelled, table
from bot.screen.risk_types import RiskResult


def describe(number: int, result: RiskResult | None) -> str:
    """One output row: line number, tier, kind, score, rule (no text)."""
    if result is None:
        return f"{number}\tnone\t-\t0.000\t-"
    return (
        f"{number}\t{result.severity.name.lower()}\t{result.kind}\t{result.score:.3f}\t"
        f"{result.rule_id}"
    )


def screen_lines(screen: RiskScreen, lines: Iterable[str], role: str | None, out: TextIO) -> None:
    """Screen each line on its own."""
    print("line\ttier\tkind\tscore\trule", file=out)
    for number, line in enumerate(lines, start=1):
        print(describe(number, screen.screen(line.rstrip("\r\n"), role=role)), file=out)


def screen_labelled(screen: RiskScreen, path: Path, role: str | None, out: TextIO) -> None:
    """Screen a labelled TSV: every row, then the figures."""
    examples = read_labelled(path)
    results = [screen.screen(e.text, role=role) for e in examples]
    print("line\ttier\tkind\tscore\trule\tlabel\tverdict", file=out)
    for number, (example, result) in enumerate(zip(examples, results, strict=True), start=2):
        flagged = crisis(result)
        verdict = "ok" if flagged == example.risk else "MISSED" if example.risk else "FALSE ALARM"
        label = "risk" if example.risk else "ok"
        print(f"{describe(number, result)}\t{label}\t{verdict}", file=out)
    print("", file=out)
    print("Answered as a crisis = tier concern or above (check and guidance are not).", file=out)
    for line in table(figures(examples, results)):
        print(line, file=out)


def run_screen(path: Path | None, role: str | None, content: Path | None) -> int:
    """The `screen` command."""
    from bot.catalog._base import default_content_dir

    screen = RiskScreen.load(content or default_content_dir())
    if path is None:
        screen_lines(screen, sys.stdin, role, sys.stdout)
    elif is_labelled(path):
        screen_labelled(screen, path, role, sys.stdout)
    else:
        with path.open(encoding="utf-8") as handle:
            screen_lines(screen, handle, role, sys.stdout)
    return 0


def run_train(sealed: bool) -> int:
    """The `train-risk` command (run from the repository root)."""
    try:
        from bot.screen.risk_train import train
    except ImportError as exc:  # scikit-learn is a training extra only
        print(f"Training needs scikit-learn: pip install -e '.[train]' ({exc})", file=sys.stderr)
        return 2
    from bot.screen.risk_corpus import CORPUS, SEALED

    root = Path(__file__).resolve().parents[2]
    if sealed and not (root / CORPUS / SEALED).is_file():
        print(f"No sealed test at {CORPUS / SEALED}: nothing was trained.", file=sys.stderr)
        return 2
    for line in train(root, sealed=sealed):
        print(line)
    return 0
