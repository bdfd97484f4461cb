"""WHO-5 scoring and bands, measure schedule, check-in steps, content validation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from bot.catalog import checkins as catalog
from bot.catalog._base import ContentError
from bot.content import default_content_dir
from bot.programme.checkins import (
    TakenMeasure,
    iso_week,
    measure_answers,
    measure_due,
    plan_steps,
    trend,
)

CONTENT = catalog.load(default_content_dir())
WHO5 = CONTENT.measures["who5"]
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_who5_official_items_and_anchors() -> None:
    assert [item.en for item in WHO5.items] == [
        "I have felt cheerful and in good spirits",
        "I have felt calm and relaxed",
        "I have felt active and vigorous",
        "I woke up feeling fresh and rested",
        "My daily life has been filled with things that interest me",
    ]
    assert [(o.value, o.label.en) for o in WHO5.answers] == [
        (5, "All of the time"),
        (4, "Most of the time"),
        (3, "More than half of the time"),
        (2, "Less than half of the time"),
        (1, "Some of the time"),
        (0, "At no time"),
    ]


@pytest.mark.parametrize(
    ("answers", "score", "band", "low"),
    [
        ([0, 0, 0, 0, 0], 0, "low", True),
        ([1, 1, 2, 1, 2], 28, "low", True),
        ([2, 1, 2, 1, 2], 32, "reduced", False),
        ([3, 2, 3, 2, 2], 48, "reduced", False),
        ([3, 3, 3, 2, 2], 52, "good", False),
        ([5, 5, 5, 5, 5], 100, "good", False),
    ],
)
def test_who5_score_times_four_and_bands(
    answers: list[int], score: int, band: str, low: bool
) -> None:
    assert WHO5.score(answers) == score
    assert WHO5.band(score).name == band and WHO5.band(score).low is low


@given(st.lists(st.integers(0, 5), min_size=5, max_size=5))
def test_who5_score_is_always_0_to_100_in_steps_of_4(answers: list[int]) -> None:
    score = WHO5.score(answers)
    assert 0 <= score <= 100 and score % 4 == 0


def test_who5_rejects_wrong_answer_count_or_value() -> None:
    with pytest.raises(ValueError):
        WHO5.score([5, 5, 5, 5])
    with pytest.raises(ValueError):
        WHO5.score([6, 5, 5, 5, 5])


def test_phq2_band_three_or_more_is_low() -> None:
    phq2 = CONTENT.measures["phq2"]
    assert phq2.band(phq2.score([1, 1])).low is False
    assert phq2.band(phq2.score([2, 1])).low is True


def test_measure_schedule_start_every_four_weeks_and_closure() -> None:
    assert measure_due(WHO5, [], NOW, closing=False) == "start"
    taken = [TakenMeasure("start", NOW)]
    assert measure_due(WHO5, taken, NOW + timedelta(weeks=1), closing=False) is None
    assert measure_due(WHO5, taken, NOW + timedelta(weeks=3), closing=False) is None
    assert measure_due(WHO5, taken, NOW + timedelta(weeks=4), closing=False) == "followup"
    assert measure_due(WHO5, taken, NOW + timedelta(weeks=2), closing=True) == "closure"
    taken.append(TakenMeasure("closure", NOW + timedelta(weeks=2)))
    assert measure_due(WHO5, taken, NOW + timedelta(weeks=3), closing=True) is None
    assert measure_due(CONTENT.measures["phq2"], [], NOW, closing=False) is None  # disabled


def test_plan_steps_and_answers() -> None:
    steps = plan_steps(CONTENT, {"who5": "start"})
    assert steps[:6] == ["q:mood", "q:sleep", "q:stress", "q:note", "share:note", "q:contact"]
    assert steps[6:] == [f"m:who5:{i}" for i in range(5)]
    answers = {f"m:who5:{i}": 3 for i in range(5)}
    assert measure_answers(answers, "who5", 5) == [3] * 5
    assert measure_answers({"m:who5:0": 3}, "who5", 5) is None
    assert plan_steps(CONTENT, {}) == steps[:6]


def test_iso_week_uses_the_members_zone_and_trend() -> None:
    sunday_night_utc = datetime(2026, 3, 8, 23, 30, tzinfo=UTC)
    assert iso_week(sunday_night_utc, "UTC") == "2026-W10"
    assert iso_week(sunday_night_utc, "Europe/Madrid") == "2026-W11"  # already Monday there
    assert trend([2, 3, 5]) == "😕 → 😐 → 😄"


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (("questions", 0, "mood"), False, "exactly one question must have mood"),
        (("measures", "who5", "bands", -1, "max"), 90, "highest score 100"),
        (("questions", 1, "options", 0, "label", "es"), "", "es: text is empty"),
    ],
)
def test_invalid_checkin_content_is_reported(
    tmp_path: Path, path: tuple[object, ...], value: object, message: str
) -> None:
    data = yaml.safe_load((default_content_dir() / "checkins.yaml").read_text("utf-8"))
    node = data
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    (tmp_path / "checkins.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    with pytest.raises(ContentError) as caught:
        catalog.load(tmp_path)
    assert "checkins.yaml" in str(caught.value) and message in str(caught.value)
