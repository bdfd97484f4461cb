"""Suggestions for the whole waiting list at once: an optimal assignment over mentor capacity.

Each mentor with k free places becomes k identical columns ("slots"); scipy's
`linear_sum_assignment` then finds the assignment of mentees to slots with the highest total
score. Pairs that break a hard constraint score 0 and are never proposed, and every allowed pair
scores above 0 (the base weight), so the optimum is a real matching that is never worse than the
greedy one computed from the same numbers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np
from numpy.typing import NDArray

from bot.catalog.matching import MatchingConfig
from bot.programme.matching import Matrix, Mentee, Mentor, score_matrix

Pairs = list[tuple[int, int]]  # (mentee row, mentor column)


def optimal(values: Matrix, capacity: NDArray[np.int64]) -> Pairs:
    """Maximum-total assignment of rows to columns, column j used at most capacity[j] times."""
    usable = values > 0
    rows = np.flatnonzero(usable.any(axis=1))
    # A mentor never needs more slots than the mentees who could have them.
    slots_per_mentor = np.minimum(capacity, usable.sum(axis=0))
    columns = np.repeat(np.arange(values.shape[1]), np.maximum(slots_per_mentor, 0))
    if rows.size == 0 or columns.size == 0:
        return []
    reduced = values[np.ix_(rows, columns)]
    # Imported here: scipy costs a fifth of a second and tens of MB at start-up, and only
    # /suggest needs it.
    from scipy.optimize import linear_sum_assignment

    picked_rows, picked_slots = linear_sum_assignment(reduced, maximize=True)
    return [
        (int(rows[r]), int(columns[s]))
        for r, s in zip(picked_rows, picked_slots, strict=True)
        if reduced[r, s] > 0
    ]


def greedy(values: Matrix, capacity: NDArray[np.int64]) -> Pairs:
    """Baseline: take the best remaining allowed pair until nothing fits (for comparison)."""
    left = capacity.astype(np.int64).copy()
    taken = np.zeros(values.shape[0], dtype=bool)
    flat = np.flatnonzero(values > 0)
    order = flat[np.argsort(-values.ravel()[flat], kind="stable")]
    chosen: Pairs = []
    columns = values.shape[1]
    for index in order:
        row, column = divmod(int(index), columns)
        if not taken[row] and left[column] > 0:
            taken[row] = True
            left[column] -= 1
            chosen.append((row, column))
    return chosen


def total(values: Matrix, pairs: Pairs) -> float:
    """Sum of the scores of the chosen pairs."""
    return float(sum(values[row, column] for row, column in pairs))


@dataclass(frozen=True)
class Proposal:
    """A suggested pair and the next best mentors for the same mentee."""

    mentee_id: int
    mentor_id: int
    score: float
    alternatives: tuple[tuple[int, float], ...]  # (mentor id, score), best first


@dataclass(frozen=True)
class Plan:
    """The whole waiting list's suggestions."""

    proposals: tuple[Proposal, ...]
    total: float
    unmatched: tuple[int, ...]  # mentee ids with no allowed mentor left


def top_alternatives(
    values: Matrix, row: int, exclude: int | None, count: int
) -> list[tuple[int, float]]:
    """The `count` best allowed columns for a row, best first, without `exclude`."""
    scores = values[row].copy()
    if exclude is not None:
        scores[exclude] = 0.0
    allowed = np.flatnonzero(scores > 0)
    if allowed.size == 0:
        return []
    take = min(count, allowed.size)
    best = allowed[np.argpartition(-scores[allowed], take - 1)[:take]]
    best = best[np.argsort(-scores[best], kind="stable")]
    return [(int(column), float(scores[column])) for column in best]


def plan(
    mentees: Sequence[Mentee],
    mentors: Sequence[Mentor],
    config: MatchingConfig,
    now: datetime,
    alternatives: int = 2,
) -> Plan:
    """Score everyone, assign optimally, and add the next `alternatives` mentors per mentee."""
    if not mentees or not mentors:
        return Plan((), 0.0, tuple(mentee.id for mentee in mentees))
    values = score_matrix(mentees, mentors, config, now).value
    capacity = np.array([max(0, mentor.free_slots) for mentor in mentors], dtype=np.int64)
    chosen = dict(optimal(values, capacity))
    proposals = []
    for row, column in sorted(chosen.items()):
        others = top_alternatives(values, row, column, alternatives)
        proposals.append(
            Proposal(
                mentee_id=mentees[row].id,
                mentor_id=mentors[column].id,
                score=float(values[row, column]),
                alternatives=tuple((mentors[c].id, s) for c, s in others),
            )
        )
    unmatched = tuple(mentee.id for row, mentee in enumerate(mentees) if row not in chosen)
    return Plan(tuple(proposals), total(values, list(chosen.items())), unmatched)
