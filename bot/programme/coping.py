"""Ranking coping strategies by how often members said they helped (pure logic)."""

from __future__ import annotations

from collections.abc import Mapping

from bot.catalog.coping import Feeling, Strategy


def score(helpful: int, not_helpful: int) -> float:
    """Share of "this helped" answers, smoothed so one vote does not jump a strategy to the top.

    Laplace's rule: (helpful + 1) / (answers + 2); no answers scores 0.5.
    """
    return (helpful + 1) / (helpful + not_helpful + 2)


def ranked(feeling: Feeling, feedback: Mapping[str, tuple[int, int]]) -> list[Strategy]:
    """The feeling's strategies, best-rated first; ties keep the order in the content file."""
    return sorted(
        feeling.strategies,
        key=lambda strategy: -score(*feedback.get(strategy.id, (0, 0))),
    )


def position_after(strategies: list[Strategy], strategy_id: str) -> int:
    """Index of the strategy after `strategy_id` (wrapping), 0 if it is not in the list."""
    ids = [strategy.id for strategy in strategies]
    if strategy_id not in ids:
        return 0
    return (ids.index(strategy_id) + 1) % len(ids)
