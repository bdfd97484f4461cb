"""Benchmark: suggestions for 2,000 waiting mentees and 500 mentors (capacity 1-3).

Prints the time, the total score against a greedy baseline computed in the same run, and the peak
memory. Exits non-zero if the optimum ever scores below greedy or the run takes 5 s or more.
Run: python bench/matching_bench.py [--seed N]
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np

from bot.content import load_content
from bot.programme.assignment import greedy, optimal, plan, total
from bot.programme.matching import Mentee, Mentor, score_matrix

AREAS = [
    "anxiety",
    "depression",
    "grief",
    "addiction",
    "alcohol",
    "trauma",
    "loneliness",
    "self_harm_recovery",
    "eating",
    "bipolar",
    "psychosis",
    "work_stress",
    "family",
    "sleep",
]
LANGUAGES = ["en"] * 6 + ["es"] * 3 + ["pt", "fr"]
ZONES = [
    "UTC",
    "Europe/London",
    "Europe/Madrid",
    "America/New_York",
    "America/Mexico_City",
    "America/Bogota",
    "America/Los_Angeles",
    "Asia/Kolkata",
]
BANDS = ["18-24", "25-34", "35-44", "45-54", "55-64", "65+"]
GENDERS = ["woman", "man", "nonbinary"]


def people(seed: int, now: datetime) -> tuple[list[Mentee], list[Mentor]]:
    """Random but realistic-looking profiles."""
    rng = random.Random(seed)
    mentees = []
    for index in range(2000):
        languages = {rng.choice(LANGUAGES)} | ({"en"} if rng.random() < 0.3 else set())
        wishes = {"mentor_gender": rng.choice(GENDERS)} if rng.random() < 0.2 else {}
        mentees.append(
            Mentee(
                id=index,
                code=f"E{index}",
                languages=frozenset(languages),
                focus_areas=frozenset(rng.sample(AREAS, rng.randint(1, 3))),
                age_band=rng.choice(BANDS),
                timezone=rng.choice(ZONES),
                checkin_time=f"{rng.randint(7, 22):02d}:{rng.choice([0, 30]):02d}",
                wishes=wishes,
                waiting_since=now - timedelta(days=rng.uniform(0, 60)),
                past_mentors=frozenset(rng.sample(range(10_000, 10_500), 1))
                if rng.random() < 0.1
                else frozenset(),
            )
        )
    mentors = []
    for index in range(500):
        languages = {rng.choice(LANGUAGES), "en"} if rng.random() < 0.5 else {rng.choice(LANGUAGES)}
        mentors.append(
            Mentor(
                id=10_000 + index,
                code=f"R{index}",
                languages=frozenset(languages),
                lived_experience=frozenset(rng.sample(AREAS, rng.randint(1, 4))),
                age_band=rng.choice(BANDS),
                timezone=rng.choice(ZONES),
                attributes={"gender": rng.choice(GENDERS)},
                free_slots=rng.randint(1, 3),
            )
        )
    return mentees, mentors


def main() -> int:
    """Run once and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    config = load_content().matching
    now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    mentees, mentors = people(args.seed, now)

    tracemalloc.start()
    started = time.perf_counter()
    result = plan(mentees, mentors, config, now)
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    values = score_matrix(mentees, mentors, config, now).value
    capacity = np.array([mentor.free_slots for mentor in mentors], dtype=np.int64)
    started = time.perf_counter()
    baseline = greedy(values, capacity)
    greedy_seconds = time.perf_counter() - started
    greedy_total = total(values, baseline)
    assert abs(total(values, optimal(values, capacity)) - result.total) < 1e-6

    slots = int(capacity.sum())
    print(f"mentees {len(mentees)}, mentors {len(mentors)}, capacity slots {slots}")
    print(f"suggestions (score + assignment + 2 alternatives each): {elapsed:.2f} s")
    print(f"pairs proposed: optimal {len(result.proposals)}, greedy {len(baseline)}")
    print(
        f"total score: optimal {result.total:.1f}, greedy {greedy_total:.1f} "
        f"({(result.total - greedy_total) / greedy_total * 100:+.2f} %; greedy took "
        f"{greedy_seconds:.2f} s)"
    )
    print(
        f"mean score per pair: optimal {result.total / max(1, len(result.proposals)):.1f}, "
        f"greedy {greedy_total / max(1, len(baseline)):.1f} (max {config.weights.total:g})"
    )
    print(
        f"peak memory: {peak / 2**20:.1f} MiB traced (Python allocations during the plan); "
        f"process max RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB"
    )
    assert result.total >= greedy_total - 1e-6, "the optimal assignment scored below greedy"
    assert elapsed < 5.0, f"too slow: {elapsed:.2f} s"
    return 0


if __name__ == "__main__":
    sys.exit(main())
