"""The compatibility score, hard constraints, reasons, and the optimal assignment."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.catalog import matching as matching_catalog
from bot.catalog._base import ContentError
from bot.content import default_content_dir
from bot.programme.assignment import greedy, optimal, plan, top_alternatives, total
from bot.programme.match_reasons import assess
from bot.programme.matching import Mentee, Mentor, score_matrix, utc_offset_hours

CONFIG = matching_catalog.load(default_content_dir())
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def a_mentee(**fields: object) -> Mentee:
    values: dict[str, object] = {
        "id": 1,
        "code": "MA",
        "languages": frozenset({"en"}),
        "focus_areas": frozenset({"grief", "anxiety"}),
        "age_band": "25-34",
        "timezone": "UTC",
        "checkin_time": "18:00",
        "waiting_since": NOW - timedelta(days=30),
    }
    values.update(fields)
    return Mentee(**values)  # type: ignore[arg-type]


def a_mentor(**fields: object) -> Mentor:
    values: dict[str, object] = {
        "id": 2,
        "code": "MB",
        "languages": frozenset({"en", "es"}),
        "lived_experience": frozenset({"grief", "anxiety", "sleep"}),
        "age_band": "25-34",
        "timezone": "UTC",
    }
    values.update(fields)
    return Mentor(**values)  # type: ignore[arg-type]


def test_a_perfect_pair_scores_the_maximum_with_reasons() -> None:
    result = assess(a_mentee(), a_mentor(), CONFIG, NOW)
    assert result.allowed and result.score == pytest.approx(CONFIG.weights.total)
    keys = [reason.key for reason in result.reasons]
    assert keys == ["focus", "language", "age_same", "tz_same", "checkin_fits", "waiting"]
    assert result.reasons[0].params == {"areas": "anxiety, grief"}
    assert result.reasons[-1].params == {"days": "30"}


def test_each_soft_factor_moves_the_score() -> None:
    best = assess(a_mentee(), a_mentor(), CONFIG, NOW).score
    half_focus = assess(a_mentee(), a_mentor(lived_experience=frozenset({"grief"})), CONFIG, NOW)
    assert half_focus.score == pytest.approx(best - CONFIG.weights.focus_overlap / 2)
    next_band = assess(a_mentee(), a_mentor(age_band="35-44"), CONFIG, NOW)
    assert next_band.score == pytest.approx(best - CONFIG.weights.age_band / 2)
    assert [r.key for r in next_band.reasons].count("age_close") == 1
    far_band = assess(a_mentee(), a_mentor(age_band="65+"), CONFIG, NOW)
    assert far_band.score == pytest.approx(best - CONFIG.weights.age_band)
    madrid = assess(a_mentee(), a_mentor(timezone="Europe/Madrid"), CONFIG, NOW)
    assert any(r.key == "tz_apart" and r.params["hours"] == "1" for r in madrid.reasons)
    assert madrid.score < best
    quiet = assess(a_mentee(checkin_time="22:00"), a_mentor(), CONFIG, NOW)  # mentor's quiet hours
    assert quiet.score == pytest.approx(best - CONFIG.weights.checkin_window)
    fresh = assess(a_mentee(waiting_since=NOW), a_mentor(), CONFIG, NOW)
    assert fresh.score == pytest.approx(best - CONFIG.weights.waiting_time)


def test_time_zone_offsets_follow_daylight_saving() -> None:
    assert utc_offset_hours("America/New_York", datetime(2026, 1, 15, tzinfo=UTC)) == -5
    assert utc_offset_hours("America/New_York", datetime(2026, 7, 15, tzinfo=UTC)) == -4
    assert utc_offset_hours("Not/AZone", NOW) == 0


@pytest.mark.parametrize(
    ("mentee_fields", "mentor_fields", "broken"),
    [
        ({"languages": frozenset({"pt"})}, {}, ("language",)),
        ({}, {"approved": False}, ("not_approved",)),
        ({}, {"trained": False}, ("not_trained",)),
        ({}, {"stepped_back": True}, ("stepped_back",)),
        ({}, {"paused": True}, ("paused",)),
        ({}, {"unreachable": True}, ("unreachable",)),
        ({}, {"free_slots": 0}, ("full",)),
        ({"past_mentors": frozenset({2})}, {}, ("paired_before",)),
        (
            {"wishes": {"mentor_gender": "woman"}},
            {"attributes": {"gender": "man"}},
            ("preference:mentor_gender",),
        ),
        ({"wishes": {"mentor_gender": "woman"}}, {}, ("preference:mentor_gender",)),
        ({"wishes": {"mentor_gender": "Woman"}}, {"attributes": {"gender": "woman"}}, ()),
        ({"wishes": {"mentor_gender": "no_preference"}}, {}, ()),
        (
            {"wishes": {"mentor_age_band": "65+"}},
            {"age_band": "25-34"},
            ("preference:mentor_age_band",),
        ),
        ({"wishes": {"unsupported_key": "x"}}, {}, ()),
    ],
)
def test_hard_constraints(mentee_fields: dict, mentor_fields: dict, broken: tuple) -> None:  # type: ignore[type-arg]
    result = assess(a_mentee(**mentee_fields), a_mentor(**mentor_fields), CONFIG, NOW)
    assert result.broken == broken
    matrix = score_matrix([a_mentee(**mentee_fields)], [a_mentor(**mentor_fields)], CONFIG, NOW)
    assert bool(matrix.allowed[0, 0]) == (not broken)
    assert (matrix.value[0, 0] > 0) == (not broken)


LANGS = st.frozensets(st.sampled_from(["en", "es", "pt"]), min_size=1, max_size=2)
AREAS = st.frozensets(st.sampled_from(["grief", "anxiety", "sleep", "alcohol"]), max_size=3)
BANDS = st.one_of(st.none(), st.sampled_from(CONFIG.age_bands))
ZONES = st.sampled_from(["UTC", "Europe/Madrid", "America/New_York", "Asia/Kolkata"])
TIMES = st.one_of(st.none(), st.sampled_from(["07:30", "12:00", "21:30", "23:00"]))
mentees = st.builds(
    Mentee,
    id=st.integers(1, 50),
    code=st.just("E"),
    languages=LANGS,
    focus_areas=AREAS,
    age_band=BANDS,
    timezone=ZONES,
    checkin_time=TIMES,
    wishes=st.dictionaries(
        st.just("mentor_gender"), st.sampled_from(["woman", "man", "any"]), max_size=1
    ),
    waiting_since=st.one_of(st.none(), st.integers(0, 90).map(lambda d: NOW - timedelta(days=d))),
    past_mentors=st.frozensets(st.integers(100, 105), max_size=2),
)
mentors = st.builds(
    Mentor,
    id=st.integers(100, 105),
    code=st.just("R"),
    languages=LANGS,
    lived_experience=AREAS,
    age_band=BANDS,
    timezone=ZONES,
    attributes=st.dictionaries(st.just("gender"), st.sampled_from(["woman", "man"]), max_size=1),
    approved=st.booleans(),
    trained=st.booleans(),
    paused=st.booleans(),
    free_slots=st.integers(0, 3),
)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(mentees, min_size=1, max_size=4),
    st.lists(mentors, min_size=1, max_size=4, unique_by=lambda mentor: mentor.id),
)
def test_matrix_agrees_with_single_pair_assessment(es: list[Mentee], rs: list[Mentor]) -> None:
    scores = score_matrix(es, rs, CONFIG, NOW)
    for (i, mentee), (j, mentor) in itertools.product(enumerate(es), enumerate(rs)):
        single = assess(mentee, mentor, CONFIG, NOW)
        assert scores.raw[i, j] == pytest.approx(single.score)
        assert bool(scores.allowed[i, j]) == single.allowed
        assert 0 <= single.score <= CONFIG.weights.total + 1e-9


def brute_force(values: np.ndarray, capacity: np.ndarray) -> float:
    """Best total by trying every choice of mentor (or none) for each mentee (tiny inputs)."""
    best = 0.0
    choices = [-1, *range(values.shape[1])]
    for combo in itertools.product(choices, repeat=values.shape[0]):
        used = np.bincount([c for c in combo if c >= 0], minlength=values.shape[1])
        if (used <= capacity).all() and all(c < 0 or values[r, c] > 0 for r, c in enumerate(combo)):
            best = max(best, sum(values[r, c] for r, c in enumerate(combo) if c >= 0))
    return best


matrices = st.integers(1, 7).flatmap(
    lambda rows: st.integers(1, 5).flatmap(
        lambda cols: st.tuples(
            st.lists(
                st.lists(st.one_of(st.just(0.0), st.floats(1, 100)), min_size=cols, max_size=cols),
                min_size=rows,
                max_size=rows,
            ),
            st.lists(st.integers(0, 3), min_size=cols, max_size=cols),
        )
    )
)


@settings(max_examples=150, deadline=None)
@given(matrices)
def test_assignment_respects_capacity_and_never_scores_below_greedy(data: tuple) -> None:  # type: ignore[type-arg]
    values, capacity = np.array(data[0], dtype=float), np.array(data[1], dtype=np.int64)
    chosen = optimal(values, capacity)
    rows = [row for row, _ in chosen]
    assert len(rows) == len(set(rows))  # each mentee at most once
    used = np.bincount([column for _, column in chosen], minlength=values.shape[1])
    assert (used <= capacity).all()  # never over a mentor's capacity
    assert all(values[row, column] > 0 for row, column in chosen)  # never a forbidden pair
    assert total(values, chosen) >= total(values, greedy(values, capacity)) - 1e-9
    if values.shape[0] <= 5 and values.shape[1] <= 4:
        assert total(values, chosen) == pytest.approx(brute_force(values, capacity))


def test_optimal_beats_greedy_where_greedy_is_short_sighted() -> None:
    values = np.array([[10.0, 9.0], [9.0, 0.0]])
    capacity = np.array([1, 1])
    assert total(values, greedy(values, capacity)) == 10.0
    assert total(values, optimal(values, capacity)) == 18.0


def test_plan_proposes_alternatives_and_respects_capacity() -> None:
    es = [a_mentee(id=i, code=f"E{i}", waiting_since=NOW - timedelta(days=i)) for i in range(4)]
    rs = [
        a_mentor(id=10, free_slots=2),
        a_mentor(id=11, lived_experience=frozenset({"grief"})),
        a_mentor(id=12, lived_experience=frozenset()),
        a_mentor(id=13, free_slots=0),
    ]
    result = plan(es, rs, CONFIG, NOW)
    assert len(result.proposals) == 4 and result.unmatched == ()
    load = {r.id: 0 for r in rs}
    for proposal in result.proposals:
        load[proposal.mentor_id] += 1
        alternatives = [mentor_id for mentor_id, _ in proposal.alternatives]
        assert proposal.mentor_id not in alternatives and 13 not in alternatives
        assert len(alternatives) == 2
        scores = [score for _, score in proposal.alternatives]
        assert scores == sorted(scores, reverse=True)
    assert load == {10: 2, 11: 1, 12: 1, 13: 0}
    assert plan([], rs, CONFIG, NOW).proposals == ()


def test_top_alternatives() -> None:
    row = np.array([[5.0, 0.0, 7.0, 6.0]])
    assert top_alternatives(row, 0, exclude=2, count=2) == [(3, 6.0), (0, 5.0)]
    assert top_alternatives(np.zeros((1, 3)), 0, exclude=None, count=2) == []


def test_bad_matching_content_is_reported(tmp_path: Path) -> None:
    text = (default_content_dir() / "matching.yaml").read_text("utf-8")
    (tmp_path / "matching.yaml").write_text(
        text.replace("base: 5", "base: 0").replace("suggest_batch: 10", "suggest_batch: 0"),
        "utf-8",
    )
    with pytest.raises(ContentError) as caught:
        matching_catalog.load(tmp_path)
    messages = " ".join(str(problem) for problem in caught.value.problems)
    assert "suggest_batch" in messages
    (tmp_path / "matching.yaml").write_text(text.replace("base: 5", "base: 0"), "utf-8")
    with pytest.raises(ContentError) as caught:
        matching_catalog.load(tmp_path)
    assert "weights.base" in str(caught.value)
