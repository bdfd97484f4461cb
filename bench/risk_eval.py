"""Evaluate the crisis lexicon alone (the screen's floor) on tests/data/risk_eval_<lang>.tsv.

Run from the repository root:  python bench/risk_eval.py [--misses]

Every 5th data row (rows 5, 10, 15, ...) is HELD OUT: tune the lexicon only on the other rows
(``--misses`` lists mistakes on those rows only) and use the held-out figures to check that the
lexicon generalises rather than memorising the evaluation sentences.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bot.catalog import risk as risk_catalog  # noqa: E402
from bot.screen.risk_lexicon import LexiconScreen  # noqa: E402
from bot.screen.risk_types import Severity  # noqa: E402

DATA = ROOT / "tests" / "data"
LABELS: dict[str, Severity | None] = {
    "none": None,
    "concern": Severity.CONCERN,
    "high": Severity.HIGH,
    "imminent": Severity.IMMINENT,
}
HELD_OUT_EVERY = 5


@dataclass(frozen=True)
class Example:
    """One labelled message."""

    row: int
    label: Severity | None
    text: str

    @property
    def held_out(self) -> bool:
        """Whether this row is in the held-out part (every 5th data row)."""
        return self.row % HELD_OUT_EVERY == 0


@dataclass(frozen=True)
class Figures:
    """Evaluation figures for one set of examples."""

    count: int
    recall_at_least: dict[Severity, tuple[int, int]]  # detected at >= label severity / labelled
    exact: dict[Severity, tuple[int, int]]  # detected at exactly the label severity / labelled
    any_detected: tuple[int, int]  # positives detected at any severity / positives
    high_plus: tuple[int, int]  # high+imminent detected at >= high / high+imminent
    false_positives: tuple[int, int]  # `none` messages flagged / `none` messages

    @staticmethod
    def rate(pair: tuple[int, int]) -> float:
        """hits / total, 0.0 for an empty set."""
        return pair[0] / pair[1] if pair[1] else 0.0


def load_examples(language: str) -> list[Example]:
    """Read tests/data/risk_eval_<language>.tsv (header `label<TAB>text`)."""
    path = DATA / f"risk_eval_{language}.tsv"
    examples = []
    lines = path.read_text(encoding="utf-8").splitlines()
    for row, line in enumerate(lines[1:], start=1):
        if not line.strip():
            continue
        label, text = line.split("\t", 1)
        examples.append(Example(row, LABELS[label], text))
    return examples


def load_screen() -> LexiconScreen:
    """The screen built from the shipped content/risk lexicons."""
    return LexiconScreen.from_lexicons(risk_catalog.load(ROOT / "content"))


def predict(screen: LexiconScreen, examples: list[Example]) -> list[Severity | None]:
    """The detected severity (or None) for every example."""
    predictions = []
    for example in examples:
        result = screen.screen(example.text)
        predictions.append(result.severity if result else None)
    return predictions


def evaluate(examples: list[Example], predictions: list[Severity | None]) -> Figures:
    """Recall per severity (at-least and exact), high+imminent recall, false-positive rate."""
    at_least = {severity: [0, 0] for severity in Severity}
    exact = {severity: [0, 0] for severity in Severity}
    any_hit, high_plus, false_pos = [0, 0], [0, 0], [0, 0]
    for example, found in zip(examples, predictions, strict=True):
        if example.label is None:
            false_pos[1] += 1
            false_pos[0] += found is not None
            continue
        level = found or 0
        at_least[example.label][1] += 1
        at_least[example.label][0] += level >= example.label
        exact[example.label][1] += 1
        exact[example.label][0] += level == example.label
        any_hit[1] += 1
        any_hit[0] += found is not None
        if example.label >= Severity.HIGH:
            high_plus[1] += 1
            high_plus[0] += level >= Severity.HIGH
    return Figures(
        count=len(examples),
        recall_at_least={s: (a, b) for s, (a, b) in at_least.items()},
        exact={s: (a, b) for s, (a, b) in exact.items()},
        any_detected=(any_hit[0], any_hit[1]),
        high_plus=(high_plus[0], high_plus[1]),
        false_positives=(false_pos[0], false_pos[1]),
    )


def _cell(pair: tuple[int, int]) -> str:
    """'0.95 (38/40)'."""
    return f"{Figures.rate(pair):.2f} ({pair[0]}/{pair[1]})"


def print_figures(title: str, figures: Figures) -> None:
    """Print one block of figures."""
    print(f"  {title} — {figures.count} messages")
    for severity in reversed(Severity):
        at_least = _cell(figures.recall_at_least[severity])
        exact = _cell(figures.exact[severity])
        print(f"    {severity.name.lower():9} recall(>=) {at_least:16} exact {exact}")
    print(f"    high+imminent detected at >= high: {_cell(figures.high_plus)}")
    print(f"    any risk detected (all positives): {_cell(figures.any_detected)}")
    print(f"    false-positive rate on `none`:     {_cell(figures.false_positives)}")


def main(argv: list[str]) -> int:
    """Print figures per language: all rows, tuning rows, held-out rows."""
    screen = load_screen()
    for language in ("en", "es"):
        examples = load_examples(language)
        predictions = predict(screen, examples)
        print(f"[{language}]")
        print_figures("all rows", evaluate(examples, predictions))
        for held_out, title in ((False, "tuning rows"), (True, "held-out rows (every 5th)")):
            pairs = [
                (e, p) for e, p in zip(examples, predictions, strict=True) if e.held_out is held_out
            ]
            print_figures(title, evaluate([e for e, _ in pairs], [p for _, p in pairs]))
        if "--misses" in argv:
            for example, found in zip(examples, predictions, strict=True):
                if not example.held_out and found != example.label:
                    want = example.label.name if example.label else "NONE"
                    got = found.name if found else "NONE"
                    print(f"    miss row {example.row}: want {want} got {got}: {example.text}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
