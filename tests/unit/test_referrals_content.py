"""The shipped referral directory is complete and lookups combine country and programme."""

from __future__ import annotations

from pathlib import Path
from typing import Any, get_args

import pytest
import yaml

from bot.catalog import referrals
from bot.catalog._base import ContentError

CONTENT = Path(__file__).resolve().parents[2] / "content"
EXPECTED_CATEGORIES = (
    "counselling",
    "substance_use",
    "eating_disorders",
    "lgbtq",
    "youth",
    "family",
    "housing_legal",
)
REQUIRED_COUNTRIES = ("US", "GB", "CA", "AU", "IE", "ES", "MX")


@pytest.fixture(scope="module")
def directory() -> referrals.ReferralDirectory:
    """The referral directory as shipped in content/."""
    return referrals.load(CONTENT)


def _entry(entry_id: str, category: str = "counselling") -> dict[str, Any]:
    """A valid referral with the given id and category."""
    return {
        "id": entry_id,
        "name": f"Service {entry_id}",
        "category": category,
        "description": {"en": "Helps.", "es": "Ayuda."},
        "website": "https://example.org/",
    }


def _valid_data() -> dict[str, Any]:
    """A small, valid referrals file used as the base for broken variants."""
    labels = {name: {"en": name, "es": name} for name in EXPECTED_CATEGORIES}
    return {
        "categories": labels,
        "countries": {"US": [_entry("us-one"), _entry("us-two", "youth")]},
        "programme": [_entry("programme-one", "youth")],
    }


def _problems(tmp_path: Path, data: dict[str, Any]) -> list[Any]:
    """Write data as referrals.yaml, load it, and return the problems raised."""
    (tmp_path / "referrals.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        referrals.load(tmp_path)
    return caught.value.problems


def test_categories_constant_matches_the_literal() -> None:
    """CATEGORIES is the exact list the model accepts."""
    assert referrals.CATEGORIES == EXPECTED_CATEGORIES
    assert get_args(referrals.Category) == EXPECTED_CATEGORIES


def test_category_labels_complete_in_every_language(
    directory: referrals.ReferralDirectory,
) -> None:
    """Every category has a non-blank English and Spanish label, and no extra ones exist."""
    assert set(directory.categories) == set(EXPECTED_CATEGORIES)
    for name, label in directory.categories.items():
        assert label.en.strip() and label.es.strip(), name
        assert directory.label(name, "es") == label.es


def test_ids_unique_across_the_file(directory: referrals.ReferralDirectory) -> None:
    """No two referrals, in any country or the programme list, share an id."""
    ids = [r.id for entries in directory.countries.values() for r in entries]
    ids += [r.id for r in directory.programme]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("code", REQUIRED_COUNTRIES)
def test_required_countries_cover_several_categories(
    directory: referrals.ReferralDirectory, code: str
) -> None:
    """Each required country offers at least three kinds of help, each reachable somehow."""
    entries = directory.countries[code]
    assert len({entry.category for entry in entries}) >= 3
    for entry in entries:
        assert entry.phone or entry.website, entry.id
        assert entry.description.en.strip() and entry.description.es.strip(), entry.id


def test_programme_placeholders_have_no_phone_numbers(
    directory: referrals.ReferralDirectory,
) -> None:
    """Example programme entries never carry a made-up number."""
    assert directory.programme
    for entry in directory.programme:
        assert entry.phone is None, entry.id


def test_for_country_includes_programme_entries(directory: referrals.ReferralDirectory) -> None:
    """A country's list is its national services followed by the programme's own entries."""
    result = directory.for_country("US")
    assert result == [*directory.countries["US"], *directory.programme]


def test_for_country_is_case_insensitive(directory: referrals.ReferralDirectory) -> None:
    """Lower-case codes find the same entries."""
    assert directory.for_country("gb") == directory.for_country("GB")


@pytest.mark.parametrize("code", ["ZZ", None, ""])
def test_for_unknown_country_only_programme(
    directory: referrals.ReferralDirectory, code: str | None
) -> None:
    """Without a known country, the programme's entries are still offered."""
    assert directory.for_country(code) == directory.programme


def test_for_country_filters_by_category(directory: referrals.ReferralDirectory) -> None:
    """A category narrows both national and programme entries."""
    result = directory.for_country("GB", "youth")
    assert result
    assert all(entry.category == "youth" for entry in result)
    assert {"gb-childline"} <= {entry.id for entry in result}
    housing = directory.for_country("GB", "housing_legal")
    assert any(entry in directory.programme for entry in housing)


def test_duplicate_id_is_reported(tmp_path: Path) -> None:
    """The same id twice names the file and the id."""
    data = _valid_data()
    data["programme"].append(_entry("us-one"))
    problems = _problems(tmp_path, data)
    assert all(p.file == "referrals.yaml" for p in problems)
    assert any("us-one" in p.message for p in problems), problems


def test_missing_category_label_is_reported(tmp_path: Path) -> None:
    """Dropping a category label is an error on the categories field."""
    data = _valid_data()
    del data["categories"]["family"]
    problems = _problems(tmp_path, data)
    assert any(p.field == "categories" and "family" in p.message for p in problems), problems


def test_unknown_category_on_entry_names_the_entry(tmp_path: Path) -> None:
    """An entry with a category outside the list is reported at that entry."""
    data = _valid_data()
    data["countries"]["US"][1]["category"] = "sports"
    problems = _problems(tmp_path, data)
    assert any("US" in p.entry and p.field == "category" for p in problems), problems


def test_missing_description_language_is_reported(tmp_path: Path) -> None:
    """Descriptions need both English and Spanish."""
    data = _valid_data()
    del data["countries"]["US"][0]["description"]["es"]
    problems = _problems(tmp_path, data)
    assert any("US" in p.entry and p.field == "es" for p in problems), problems
