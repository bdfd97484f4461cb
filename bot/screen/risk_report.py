"""Labelled sets for the crisis screen: reading them, screening them, recall and FPR with intervals.

A labelled TSV has a header; ``label`` and ``text`` columns are required, ``language`` and
``category`` are optional. Labels: ``risk`` (should get crisis lines) or ``ok`` (should not);
the older ``none`` / ``concern`` / ``high`` / ``imminent`` labels read as ok / risk.
"Answered as a crisis" means a tier of CONCERN or above (the crisis lines); CHECK and GUIDANCE
are not.
"""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from scipy.stats import binomtest

from bot.screen.risk_types import RiskKind, RiskResult, Severity

RISK_GROUPS = frozenset({"self", "danger", "imminent"})
RISK_LABELS = {"risk": True, "concern": True, "high": True, "imminent": True}
OK_LABELS = {"ok": False, "none": False}


@dataclass(frozen=True)
class Example:
    """One labelled message."""

    risk: bool
    language: str
    category: str
    text: str


def read_labelled(path: Path) -> list[Example]:
    """Examples from a labelled TSV (ValueError naming the line on a bad label)."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        if rows.fieldnames is None or not {"label", "text"} <= set(rows.fieldnames):
            raise ValueError(f"{path}: the header needs at least 'label' and 'text' columns")
        examples = []
        for line, row in enumerate(rows, start=2):
            label = (row.get("label") or "").strip().lower()
            if label not in RISK_LABELS and label not in OK_LABELS:
                raise ValueError(f"{path}:{line}: label {label!r} is not risk or ok")
            examples.append(
                Example(
                    RISK_LABELS.get(label, False),
                    (row.get("language") or "").strip() or "?",
                    (row.get("category") or "").strip() or label,
                    row.get("text") or "",
                )
            )
    return examples


def read_corpus(path: Path, groups: dict[str, str]) -> tuple[list[Example], Counter[str]]:
    """Training rows of a corpus file, and how many rows were dropped for which reason.

    A row must have four fields (label, language, category, text), a ``risk``/``ok`` label that
    agrees with its category's group (``groups``: category -> group; risk groups are self,
    danger and imminent), a language ``en``/``es`` and some text. Bad rows are counted, never
    silently dropped: the trainer prints the counts.
    """
    kept: list[Example] = []
    dropped: Counter[str] = Counter()
    with path.open(encoding="utf-8", errors="replace") as handle:
        lines = handle.read().splitlines()
    if not lines or lines[0].split("\t")[:4] != ["label", "language", "category", "text"]:
        dropped["no label/language/category/text header"] += max(0, len(lines) - 1)
        return kept, dropped
    for line in lines[1:]:
        fields = line.split("\t")
        if not line.strip():
            continue
        if len(fields) != 4:
            dropped[f"{len(fields)} fields instead of 4"] += 1
            continue
        label, language, category, text = (field.strip() for field in fields)
        group = groups.get(category)
        if label not in ("risk", "ok"):
            dropped["label not risk/ok"] += 1
        elif language not in ("en", "es"):
            dropped["language not en/es"] += 1
        elif group is None:
            dropped["unknown category"] += 1
        elif (label == "risk") != (group in RISK_GROUPS):
            dropped["label disagrees with category"] += 1
        elif not text or "\ufffd" in text:
            dropped["empty or undecodable text"] += 1
        else:
            kept.append(Example(label == "risk", language, category, text))
    return kept, dropped


def is_labelled(path: Path) -> bool:
    """Whether a file starts with a TSV header naming label and text columns."""
    with path.open(encoding="utf-8") as handle:
        first = handle.readline().rstrip("\r\n").split("\t")
    return "label" in first and "text" in first


def crisis(result: RiskResult | None) -> bool:
    """Whether a result is answered with the crisis lines."""
    return (
        result is not None
        and result.severity >= Severity.CONCERN
        and result.kind is not RiskKind.GUIDANCE
    )


def wilson(hits: int, total: int) -> tuple[float, float]:
    """95% Wilson interval of hits/total ((0, 1) for an empty set)."""
    if total == 0:
        return 0.0, 1.0
    interval = binomtest(hits, total).proportion_ci(confidence_level=0.95, method="wilson")
    return float(interval.low), float(interval.high)


@dataclass(frozen=True)
class Rate:
    """hits out of total, with its interval."""

    hits: int
    total: int

    def __str__(self) -> str:
        if not self.total:
            return "-"
        low, high = wilson(self.hits, self.total)
        return f"{self.hits / self.total:.3f} [{low:.3f}-{high:.3f}] ({self.hits}/{self.total})"


def figures(
    examples: Sequence[Example], results: Sequence[RiskResult | None]
) -> dict[tuple[str, str], Rate]:
    """Rates keyed by (language, category), plus (language, "ALL risk"/"ALL ok") and ("all", ...).

    For risk rows the rate is recall (answered as a crisis); for ok rows it is the false-positive
    rate (answered as a crisis although it should not be).
    """
    counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for example, result in zip(examples, results, strict=True):
        flagged = crisis(result)
        total = "ALL risk (recall)" if example.risk else "ALL ok (false positives)"
        for key in (
            (example.language, example.category),
            (example.language, total),
            ("all", total),
        ):
            counts[key][0] += flagged
            counts[key][1] += 1
    return {key: Rate(*pair) for key, pair in sorted(counts.items())}


def table(rates: dict[tuple[str, str], Rate]) -> Iterable[str]:
    """Printable lines: language, category, rate with a 95% Wilson interval."""
    yield f"{'language':<9}{'category':<26}rate [95% Wilson] (hits/total)"
    for (language, category), rate in rates.items():
        yield f"{language:<9}{category:<26}{rate}"
