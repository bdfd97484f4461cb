"""Small-cell suppression for reports: counts 1-10 hidden, and nothing hidden can be worked out.

A report is a set of count cells. Some cells are linked by a published sum (a `Group`: a total
and its parts, e.g. weekly counts and their total). Primary suppression hides every count from 1
to 10 (shown "<11"). Complementary suppression then hides further cells (shown "*") until, for
every hidden cell, the published numbers still allow a range of values: we assume the reader
knows that "<11" means 1-10 and "*" means at least 11, and compute the exact range a hidden cell
can take from its group's equation. Zero is published as 0 (nobody to identify).

Each cell belongs to at most one group, which keeps the exact range computation one equation
with box bounds (a report whose cells sit in two sums would need a linear-programming audit).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum

THRESHOLD = 11  # counts below this (and above 0) are never shown
INF = float("inf")
# A hidden 1-10 cell must keep at least 3 possible values; any hidden cell at least 2.
PRIMARY_MIN_WIDTH = 2
ANY_MIN_WIDTH = 1


class Shown(Enum):
    """How one cell is published."""

    VALUE = "value"
    SMALL = "small"  # primary: 1-10, shown "<11"
    HIDDEN = "hidden"  # complementary: >= 11, hidden to protect a small cell, shown "*"
    WITHHELD = "withheld"  # the whole group could not be protected: nothing of it is shown


SMALL_TEXT = "<11"
HIDDEN_TEXT = "*"
WITHHELD_TEXT = "-"


@dataclass(frozen=True)
class Group:
    """total = sum(parts), all published together (total may be None: parts only, no sum)."""

    parts: tuple[str, ...]
    total: str | None = None

    @property
    def cells(self) -> tuple[str, ...]:
        """Every cell of the group, total last."""
        return self.parts + ((self.total,) if self.total else ())


@dataclass(frozen=True)
class Suppressed:
    """A report's cells with how each is shown."""

    values: Mapping[str, int]
    shown: Mapping[str, Shown]

    def text(self, key: str) -> str:
        """The cell as a reader sees it."""
        how = self.shown[key]
        if how is Shown.VALUE:
            return str(self.values[key])
        return {Shown.SMALL: SMALL_TEXT, Shown.HIDDEN: HIDDEN_TEXT}.get(how, WITHHELD_TEXT)

    def published(self, key: str) -> int | None:
        """The value if it is shown, else None."""
        return self.values[key] if self.shown[key] is Shown.VALUE else None


def bounds(value: int, how: Shown) -> tuple[float, float]:
    """What a reader knows about a cell from how it is shown."""
    if how is Shown.VALUE:
        return (value, value)
    if how is Shown.SMALL:
        return (1, THRESHOLD - 1)
    if how is Shown.HIDDEN:
        return (THRESHOLD, INF)
    return (0, INF)


def feasible_range(
    group: Group, values: Mapping[str, int], shown: Mapping[str, Shown], key: str
) -> tuple[float, float]:
    """Exact range of a hidden cell given its group's published sum and every cell's bounds."""
    if group.total is None:
        return bounds(values[key], shown[key])
    # sum(parts) - total = 0; collect coefficient * bounds of every other cell.
    coefficient = {part: 1 for part in group.parts} | {group.total: -1}
    low_rest, high_rest = 0.0, 0.0
    for cell in group.cells:
        if cell == key:
            continue
        low, high = bounds(values[cell], shown[cell])
        if coefficient[cell] > 0:
            low_rest, high_rest = low_rest + low, high_rest + high
        else:
            low_rest, high_rest = low_rest - high, high_rest - low
    own_low, own_high = bounds(values[key], shown[key])
    # coefficient[key] * x = -rest  ->  x in the image of -rest, flipped for a negative sign.
    if coefficient[key] > 0:
        low, high = -high_rest, -low_rest
    else:
        low, high = low_rest, high_rest
    return (max(low, own_low), min(high, own_high))


def _exposed(group: Group, values: Mapping[str, int], shown: Mapping[str, Shown]) -> bool:
    """True if some hidden cell of the group has too narrow a range."""
    for cell in group.cells:
        how = shown[cell]
        if how not in (Shown.SMALL, Shown.HIDDEN):
            continue
        low, high = feasible_range(group, values, shown, cell)
        need = PRIMARY_MIN_WIDTH if how is Shown.SMALL else ANY_MIN_WIDTH
        if high - low < need:
            return True
    return False


def _protect(group: Group, values: Mapping[str, int], shown: dict[str, Shown]) -> None:
    """Hide the smallest published cells of a group (parts before the total) until safe."""
    while _exposed(group, values, shown):
        candidates = [c for c in group.parts if shown[c] is Shown.VALUE and values[c] >= THRESHOLD]
        candidates.sort(key=lambda c: (values[c], c))
        if not candidates and group.total and shown[group.total] is Shown.VALUE:
            candidates = [group.total]
        if not candidates:
            for cell in group.cells:  # nothing left to hide: publish nothing of this group
                shown[cell] = Shown.WITHHELD
            return
        shown[candidates[0]] = Shown.HIDDEN


def suppress(values: Mapping[str, int], groups: Sequence[Group] = ()) -> Suppressed:
    """Primary then complementary suppression of every cell."""
    seen: set[str] = set()
    for group in groups:
        overlap = seen.intersection(group.cells)
        if overlap:
            raise ValueError(f"cells in two groups: {sorted(overlap)}")
        seen.update(group.cells)
        if group.total is not None and values[group.total] != sum(values[p] for p in group.parts):
            raise ValueError(f"group total {group.total} is not the sum of its parts")
    shown = {
        key: Shown.SMALL if 1 <= value < THRESHOLD else Shown.VALUE for key, value in values.items()
    }
    for value in values.values():
        if value < 0:
            raise ValueError("counts are never negative")
    for group in groups:
        _protect(group, values, shown)
    return Suppressed(dict(values), shown)


def weekly_group(prefix: str, weeks: Iterable[str]) -> Group:
    """The group of a weekly column: '<prefix>:<week>' parts and '<prefix>:total'."""
    return Group(tuple(f"{prefix}:{week}" for week in weeks), f"{prefix}:total")
