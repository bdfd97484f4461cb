"""Suppression: no count 1-10 is shown, and an attacker solving the published sums recovers none.

The attacker is independent of the implementation: a linear program (scipy's HiGHS) that knows
every published number, every published sum, and what "<11" and "*" mean, and asks for the
smallest and largest value each hidden cell can take. (A sum of cells with +-1 coefficients and
integer bounds is totally unimodular, so the LP optimum is the integer optimum.)
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from bot.console.disclosure import (
    HIDDEN_TEXT,
    SMALL_TEXT,
    THRESHOLD,
    Group,
    Shown,
    Suppressed,
    bounds,
    suppress,
)
from bot.console.reports import build_report
from storage.engagement import EngagementEvent

BIG = 10**6  # stands for "no upper bound" in the attacker's program


def attacker_ranges(result: Suppressed, groups: list[Group]) -> dict[str, tuple[float, float]]:
    """For every hidden cell, the least and greatest value consistent with what is published.

    Groups share no cell (suppress() refuses that), so each group is its own program; cells in
    no group are bounded only by what their display says.
    """
    ranges: dict[str, tuple[float, float]] = {}
    grouped = {cell for group in groups for cell in group.cells}
    for key, how in result.shown.items():
        if key not in grouped and how in (Shown.SMALL, Shown.HIDDEN):
            ranges[key] = bounds(result.values[key], how)
    for group in groups:
        ranges.update(_solve(result, [group], group.cells))
    return ranges


def _solve(
    result: Suppressed, groups: list[Group], cells: tuple[str, ...]
) -> dict[str, tuple[float, float]]:
    hidden = [k for k in cells if result.shown[k] in (Shown.SMALL, Shown.HIDDEN)]
    if not hidden or all(g.total is None for g in groups):
        return {k: bounds(result.values[k], result.shown[k]) for k in hidden}
    index = {key: i for i, key in enumerate(hidden)}
    rows, rhs = [], []
    for group in groups:
        if group.total is None or any(result.shown[c] is Shown.WITHHELD for c in group.cells):
            continue  # no sum published
        row = np.zeros(len(hidden))
        constant = 0.0
        for cell in group.cells:
            sign = -1.0 if cell == group.total else 1.0
            if cell in index:
                row[index[cell]] += sign
            else:
                constant += sign * result.values[cell]
        if row.any():
            rows.append(row)
            rhs.append(-constant)
    box = [bounds(result.values[k], result.shown[k]) for k in hidden]
    box = [(low, BIG if high == float("inf") else high) for low, high in box]
    ranges = {}
    for key, i in index.items():
        found = []
        for sense in (1.0, -1.0):
            objective = np.zeros(len(hidden))
            objective[i] = sense
            solution = linprog(
                objective,
                A_eq=np.array(rows) if rows else None,
                b_eq=np.array(rhs) if rows else None,
                bounds=box,
                method="highs",
            )
            assert solution.status == 0, solution.message  # the truth is always feasible
            found.append(solution.x[i])
        ranges[key] = (found[0], found[1])
    return ranges


def check(result: Suppressed, groups: list[Group]) -> None:
    """The published table keeps every hidden cell ambiguous, and shows no count 1-10."""
    for key, value in result.values.items():
        text = result.text(key)
        if 1 <= value < THRESHOLD:
            assert text in (SMALL_TEXT, "-"), key
        assert text in (SMALL_TEXT, HIDDEN_TEXT, "-") or int(text) == value
    for key, (low, high) in attacker_ranges(result, groups).items():
        assert high - low >= 1, f"{key} recoverable: always {low}"
        assert low <= result.values[key] <= high


cell_values = st.one_of(st.integers(0, 12), st.integers(0, 60))


@st.composite
def tables(draw: st.DrawFn) -> tuple[dict[str, int], list[Group]]:
    values: dict[str, int] = {}
    groups = []
    for g in range(draw(st.integers(1, 4))):
        parts = tuple(f"g{g}p{i}" for i in range(draw(st.integers(1, 8))))
        for part in parts:
            values[part] = draw(cell_values)
        if draw(st.booleans()):
            values[f"g{g}t"] = sum(values[p] for p in parts)
            groups.append(Group(parts, f"g{g}t"))
        else:
            groups.append(Group(parts))
    return values, groups


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables())
def test_no_suppressed_cell_can_be_recovered_from_the_totals(
    table: tuple[dict[str, int], list[Group]],
) -> None:
    values, groups = table
    check(suppress(values, groups), groups)


@st.composite
def engagement_logs(draw: st.DrawFn) -> list[EngagementEvent]:
    start = datetime(2026, 1, 5, tzinfo=UTC)
    kinds = [
        "consented",
        "paired",
        "ended",
        "checkin_done",
        "escalation_raised",
        "escalation_claimed",
        "message_relayed",
        "coping_helpful",
        "crisis_entered",
        "who5_score",
    ]
    events = []
    for _ in range(draw(st.integers(0, 120))):
        hour = start + timedelta(hours=draw(st.integers(0, 24 * 7 * 6)))
        kind = draw(st.sampled_from(kinds))
        events.append(
            EngagementEvent(
                hour=hour.strftime("%Y-%m-%dT%H:00:00"),
                kind=kind,
                role=draw(st.sampled_from(["mentee", "mentor", None])),
                subject=f"s{draw(st.integers(0, 40))}",
                pair_ref=f"p{draw(st.integers(0, 20))}",
                value=float(draw(st.integers(1, 5))),
            )
        )
    events.sort(key=lambda e: e.hour)
    return events


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(engagement_logs())
def test_reports_built_from_any_log_keep_suppression(events: list[EngagementEvent]) -> None:
    report = build_report(events, datetime(2026, 2, 20, tzinfo=UTC), {"open_escalations": 3})
    check(report.cells, list(report.groups))


def test_a_single_small_week_is_protected_by_a_complementary_cell() -> None:
    groups = [Group(("w1", "w2", "w3"), "total")]
    result = suppress({"w1": 5, "w2": 30, "w3": 40, "total": 75}, groups)
    assert result.text("w1") == "<11" and result.text("w2") == "*"
    assert result.text("w3") == "40" and result.text("total") == "75"
    check(result, groups)


def test_a_small_cell_next_to_one_just_above_the_threshold_needs_the_total_hidden() -> None:
    # 1 + 11 = 12: hiding only the 11 would leave 1 as the only possibility.
    groups = [Group(("a", "b"), "total")]
    result = suppress({"a": 1, "b": 11, "total": 12}, groups)
    assert result.text("a") == "<11" and result.text("b") == "*" and result.text("total") == "*"
    check(result, groups)


def test_zero_is_shown_and_unprotectable_groups_are_withheld() -> None:
    groups = [Group(tuple(f"p{i}" for i in range(10)), "total")]
    values = {f"p{i}": 1 for i in range(10)} | {"total": 10}
    result = suppress(values, groups)
    assert {result.text(k) for k in values} == {"-"}
    assert suppress({"x": 0}).text("x") == "0"


def test_a_cell_may_not_sit_in_two_sums() -> None:
    with pytest.raises(ValueError):
        suppress({"a": 1, "b": 2, "t": 3}, [Group(("a", "b"), "t"), Group(("a",), "b")])
