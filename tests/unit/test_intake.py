"""Intake logic: alias checks, typed times and zones, step order, and content/intake.yaml."""

from __future__ import annotations

import shutil
from functools import lru_cache
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from bot.catalog import intake as intake_catalog
from bot.catalog._base import ContentError
from bot.content import default_content_dir, load_content
from bot.programme.intake import (
    MENTEE_STEPS,
    MENTOR_STEPS,
    alias_problem,
    looks_like_phone,
    next_step,
    normalise_alias,
    parse_time,
    parse_timezone,
    step_number,
)
from bot.screen.risk import RiskScreen


@lru_cache(maxsize=1)
def risk() -> RiskScreen:
    return load_content().risk


@pytest.mark.parametrize(
    ("alias", "problem"),
    [
        ("Sunny", None),
        ("Jo & Mo", None),
        ("María José", None),
        ("R2-D2", None),
        ("Mr.Smith", None),
        ("A", "length"),
        ("x" * 33, "length"),
        ("x" * 500, "length"),
        ("<b>Ana</b>", "chars"),
        ("line\u0000break", "chars"),
        ("visit https://example.org", "link"),
        ("www.example", "link"),
        ("t.me/someone", "link"),
        ("ana.com", "link"),
        ("@ana", "handle"),
        ("ana@example.org", "link"),
        ("ana@mail", "handle"),
        ("+34 612 34 56 78", "phone"),
        ("(555) 123-4567", "phone"),
        ("0 7 7 0 0 9 0 0", "phone"),
        ("i want to kill myself", "risk"),
        ("quiero morirme", "risk"),
    ],
)
def test_alias_problems(alias: str, problem: str | None) -> None:
    assert alias_problem(alias, risk()) == problem


def test_alias_normalisation() -> None:
    assert normalise_alias("  Jo \n  Mo ") == "Jo Mo"
    assert normalise_alias("Ｓｕｎ") == "Sun"  # fullwidth letters fold to plain ones


@given(st.text(max_size=60))
def test_any_accepted_alias_is_short_and_carries_no_contact(text: str) -> None:
    if alias_problem(text) is None:
        alias = normalise_alias(text)
        assert 2 <= len(alias) <= 32
        assert "<" not in alias and ">" not in alias and "@" not in alias
        assert not looks_like_phone(alias)
        assert normalise_alias(alias) == alias


@given(st.integers(0, 23), st.integers(0, 59))
def test_times_round_trip(hours: int, minutes: int) -> None:
    assert parse_time(f"{hours}:{minutes:02d}") == f"{hours:02d}:{minutes:02d}"
    assert parse_time(f"{hours:02d}.{minutes:02d}") == f"{hours:02d}:{minutes:02d}"


@pytest.mark.parametrize("text", ["24:00", "7:60", "seven", "", "7:3", "1830"])
def test_bad_times(text: str) -> None:
    assert parse_time(text) is None


def test_time_shorthands() -> None:
    assert parse_time("7") == "07:00" and parse_time("19h") == "19:00"


def test_timezones() -> None:
    assert parse_timezone("europe/madrid") == "Europe/Madrid"
    assert parse_timezone("America/New York") == "America/New_York"
    assert parse_timezone("Mars/Olympus") is None and parse_timezone("") is None


def test_step_order() -> None:
    assert next_step(None, "lang") == "role" and next_step(None, "role") == "alias"
    assert next_step("mentee", "quiet") is None and next_step("mentor", "quiet") == "code"
    assert next_step("mentor", "focus") == "lived" and next_step("mentee", "focus") == "gender"
    assert next_step("mentee", "tzpick") == "focus"  # a sub-step continues after its parent
    assert next_step("mentee", "qend") is None
    assert step_number("mentor", "code") == (len(MENTOR_STEPS), len(MENTOR_STEPS))
    assert step_number("mentee", "qstart") == (len(MENTEE_STEPS), len(MENTEE_STEPS))


def test_shipped_intake_content() -> None:
    catalog = intake_catalog.load(default_content_dir())
    crisis = load_content().crisis
    assert set(catalog.country_names_es) == set(crisis.countries)
    assert {
        "anxiety",
        "low_mood",
        "substance_recovery",
        "grief",
        "loneliness",
        "work_study_stress",
        "identity",
        "family",
    } <= {o.id for o in catalog.focus_areas}
    assert catalog.label("focus_areas", "grief", "es") == "Duelo y pérdida"
    assert catalog.label("focus_areas", "gone", "en") == "gone"


def test_intake_ids_are_the_ones_matching_uses() -> None:
    content = load_content()
    catalog, matching = content.intake, content.matching
    assert [band.id for band in catalog.age_bands] == list(matching.age_bands)
    rule = matching.preferences["mentor_gender"]
    wishes = {option.id for option in catalog.partner_genders}
    assert wishes - set(rule.any_values) <= {option.id for option in catalog.genders}
    assert rule.mentor_key == "gender"


def test_intake_problems_are_reported_by_file_entry_field(tmp_path: Path) -> None:
    root = tmp_path / "content"
    shutil.copytree(default_content_dir(), root)
    path = root / "intake.yaml"
    data = yaml.safe_load(path.read_text("utf-8"))
    data["timezones"].append("Mars/Olympus")
    data["focus_areas"].append(dict(data["focus_areas"][0]))
    data["checkin_times"].append("25:00")
    data["genders"][0]["label"]["es"] = "x" * 40
    path.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    with pytest.raises(ContentError) as caught:
        intake_catalog.load(root)
    text = "\n".join(str(problem) for problem in caught.value.problems)
    assert "intake.yaml" in text and "Mars/Olympus" in text and "unique" in text
    assert "25:00" in text and "genders" in text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("5pm", "17:00"),
        ("5 PM", "17:00"),
        ("5:30 pm", "17:30"),
        ("5.30pm", "17:30"),
        ("5 p.m.", "17:00"),
        ("12am", "00:00"),
        ("12pm", "12:00"),
        ("17h", "17:00"),
        ("17h30", "17:30"),
        ("17.30", "17:30"),
        ("noon", "12:00"),
        ("midnight", "00:00"),
        ("a las 5 de la tarde", "17:00"),
        ("las 9 de la noche", "21:00"),
        ("9 de la mañana", "09:00"),
        ("las 8 y media", "08:30"),
        ("las 6 menos cuarto de la tarde", "17:45"),
        ("a las 12 de la noche", "00:00"),
        ("mediodía", "12:00"),
        ("18 hs", "18:00"),
    ],
)
def test_times_as_people_type_them(text: str, expected: str) -> None:
    assert parse_time(text) == expected


@pytest.mark.parametrize("text", ["17 pm", "0 am", "13pm", "tomorrow", "la tarde", "5:3 pm"])
def test_contradictory_or_vague_times_are_refused(text: str) -> None:
    assert parse_time(text) is None


def test_cities_and_country_zones() -> None:
    from bot.programme.intake import zones_to_offer

    assert parse_timezone("Caracas") == "America/Caracas"
    assert parse_timezone("ciudad de méxico") == "America/Mexico_City"
    assert parse_timezone("Buenos Aires") == "America/Argentina/Buenos_Aires"
    assert parse_timezone("purple") is None
    assert zones_to_offer("VE", ["UTC"]) == ["America/Caracas"]
    assert zones_to_offer("ZZ", ["UTC"]) == ["UTC"]  # unknown country: the general list
    assert zones_to_offer("US", ["America/Chicago", "America/New_York", "Europe/Madrid"]) == [
        "America/Chicago",
        "America/New_York",
    ]  # too many of its own: the common ones
