"""Statistics for the evaluation: paired change, bootstrap interval, spreads, censored survival.

numpy and scipy are imported inside the functions that use them, so starting the bot never
pays for them. Every result carries the number of people behind it; callers publish a figure
only when that number is at least THRESHOLD.
"""

from __future__ import annotations

import statistics
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bot.console.disclosure import THRESHOLD, Group, suppress

BOOTSTRAP_RESAMPLES = 2000
BOOTSTRAP_SEED = 20260301  # fixed, so the same data always gives the same interval


@dataclass(frozen=True)
class Table:
    """A published distribution: category -> text ("<11", "*", "-" or the count)."""

    texts: dict[str, str]
    published: dict[str, int | None]
    total: str | None = None  # the total's text, if a total is published with the parts

    @property
    def any_shown(self) -> bool:
        """Does any category have a published, non-zero count?"""
        return any(value for value in self.published.values())


def table(counts: Mapping[str, int], *, with_total: bool = True) -> Table:
    """Suppress one distribution (with its total, so complementary suppression applies)."""
    cells = {f"c:{name}": value for name, value in counts.items()}
    groups: list[Group] = []
    if with_total:
        cells["total"] = sum(counts.values())
        groups.append(Group(tuple(f"c:{name}" for name in counts), "total"))
    result = suppress(cells, groups)
    return Table(
        {name: result.text(f"c:{name}") for name in counts},
        {name: result.published(f"c:{name}") for name in counts},
        result.text("total") if with_total else None,
    )


def single(count: int) -> tuple[str, int | None]:
    """One stand-alone count as published."""
    result = suppress({"x": count})
    return result.text("x"), result.published("x")


@dataclass(frozen=True)
class Spread:
    """Median and 90th percentile of a set of values (published only when n >= THRESHOLD)."""

    n: int
    median: float | None = None
    p90: float | None = None

    @property
    def shown(self) -> bool:
        """May the figures be published?"""
        return self.n >= THRESHOLD and self.median is not None


def spread(values: Sequence[float]) -> Spread:
    """Median and 90th percentile, or only the count when too few people stand behind them."""
    if len(values) < THRESHOLD:
        return Spread(len(values))
    ordered = sorted(values)
    p90 = statistics.quantiles(ordered, n=10, method="inclusive")[-1]
    return Spread(len(values), statistics.median(ordered), p90)


@dataclass(frozen=True)
class Outcome:
    """Baseline vs latest score of one instrument, per member with two or more scores."""

    n_paired: int  # members with a baseline and a later score
    n_one_score: str  # members with one score only (a published count text)
    baseline: tuple[float, ...] = ()  # per member, only when n_paired >= THRESHOLD
    latest: tuple[float, ...] = ()
    median_change: float | None = None
    ci: tuple[float, float] | None = None
    p_value: float | None = None
    changed: dict[str, str] | None = None  # improved / no meaningful change / worsened texts
    improved_share: float | None = None  # percent with a meaningful improvement, if publishable

    @property
    def shown(self) -> bool:
        """Are the paired figures publishable?"""
        return self.n_paired >= THRESHOLD and self.median_change is not None


def outcome(
    series: Mapping[str, Sequence[float]],
    threshold: float,
    higher_is_better: bool,
) -> Outcome:
    """Wilcoxon signed-rank test, median change with a bootstrap 95% interval, and the share
    whose score moved by at least `threshold` (the instrument's meaningful change)."""
    pairs = [(values[0], values[-1]) for values in series.values() if len(values) >= 2]
    one = suppress({"x": sum(1 for values in series.values() if len(values) == 1)})
    if len(pairs) < THRESHOLD:
        return Outcome(len(pairs), one.text("x"))
    baseline = tuple(first for first, _ in pairs)
    latest = tuple(last for _, last in pairs)
    changes = [last - first for first, last in pairs]
    sign = 1 if higher_is_better else -1
    counts = {
        "improved": sum(1 for c in changes if sign * c >= threshold),
        "no_change": sum(1 for c in changes if abs(c) < threshold),
        "worsened": sum(1 for c in changes if -sign * c >= threshold),
    }
    cells = table(counts)
    improved = cells.published["improved"]
    share = None
    if improved is not None and all(v is not None for v in cells.published.values()):
        share = 100.0 * improved / len(pairs)
    return Outcome(
        len(pairs),
        one.text("x"),
        baseline,
        latest,
        statistics.median(changes),
        _bootstrap_median(changes),
        _wilcoxon(baseline, latest),
        cells.texts,
        share,
    )


def _wilcoxon(baseline: Sequence[float], latest: Sequence[float]) -> float | None:
    """Two-sided p-value of the Wilcoxon signed-rank test (1.0 when nothing changed)."""
    if all(a == b for a, b in zip(baseline, latest, strict=True)):
        return 1.0
    from scipy.stats import wilcoxon

    with warnings.catch_warnings():  # ties and zeros only make scipy pick another method
        warnings.simplefilter("ignore")
        return float(wilcoxon(latest, baseline).pvalue)


def _bootstrap_median(changes: Sequence[float]) -> tuple[float, float]:
    """Percentile bootstrap 95% interval of the median change (fixed seed: reproducible)."""
    import numpy as np
    from scipy.stats import bootstrap

    data = np.asarray(changes, dtype=float)
    if np.all(data == data[0]):
        return float(data[0]), float(data[0])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = bootstrap(
            (data,),
            np.median,
            n_resamples=BOOTSTRAP_RESAMPLES,
            confidence_level=0.95,
            method="percentile",
            random_state=np.random.default_rng(BOOTSTRAP_SEED),
        )
    interval = result.confidence_interval
    return float(interval.low), float(interval.high)


def survival(
    durations: Sequence[float],
    ended: Sequence[bool],
    weeks: int,
) -> dict[int, float | None]:
    """Share of pairs still together at each programme week (Kaplan-Meier, censored: pairs
    still running or that completed). A week is published only while 11 or more pairs are
    followed that far and the pairs ended since the previous published week are 0 or 11 or
    more, so no step of the curve stands for fewer than 11 pairs (None = hidden)."""
    result: dict[int, float | None] = {week: None for week in range(1, weeks + 1)}
    if len(durations) < THRESHOLD:
        return result
    import numpy as np
    from scipy.stats import CensoredData, ecdf

    times = np.asarray(durations, dtype=float)
    flags = np.asarray(ended, dtype=bool)
    if not flags.any():
        curve = None  # nobody left early: the curve stays at 100%
    else:
        data = CensoredData(uncensored=times[flags], right=times[~flags])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            curve = ecdf(data).sf
    published_events = 0
    for week in range(1, weeks + 1):
        at_risk = int(np.sum(times >= week))
        events = int(np.sum(flags & (times <= week)))  # the curve at `week` includes them
        # Neither the pairs ended so far nor those ended since the last point shown may be 1-10.
        if at_risk < THRESHOLD or 1 <= events - published_events < THRESHOLD:
            continue
        published_events = events
        result[week] = 100.0 if curve is None else 100.0 * float(curve.evaluate(week))
    return result
