"""The shipped crisis directory is complete, and broken files are reported precisely."""

from __future__ import annotations

import copy
import datetime
import re
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml

from bot.catalog import crisis
from bot.catalog._base import ContentError

CONTENT = Path(__file__).resolve().parents[2] / "content"
REQUIRED = frozenset(
    {
        *("US", "CA", "GB", "IE", "AU", "NZ", "ES", "MX", "AR", "CO", "CL", "PE", "DE", "FR"),
        *("IT", "NL", "BE", "PT", "SE", "NO", "DK", "FI", "PL", "AT", "CH", "JP", "KR", "IN"),
        *("ZA", "BR", "PH", "SG"),
    }
)


@pytest.fixture(scope="module")
def directory() -> crisis.CrisisDirectory:
    """The crisis directory as shipped in content/."""
    return crisis.load(CONTENT)


def _valid_data() -> dict[str, Any]:
    """A small, valid crisis file used as the base for broken variants."""
    return {
        "last_reviewed": "2026-11-25",
        "international": [
            {
                "name": "Find A Helpline",
                "url": "https://findahelpline.com/",
                "description": {"en": "Helplines everywhere.", "es": "Líneas en todas partes."},
            }
        ],
        "countries": {
            "US": {
                "name": "United States",
                "emergency": "911",
                "timezone": "America/New_York",
                "source": "https://988lifeline.org/",
                "last_verified": "2026-11-25",
                "lines": [
                    {"name": "988", "phone": "988", "hours": "24/7", "languages": ["en", "es"]}
                ],
            }
        },
    }


def _write(tmp_path: Path, data: Any) -> Path:
    """Write data as content_dir/crisis.yaml and return the content dir."""
    text = data if isinstance(data, str) else yaml.safe_dump(data, allow_unicode=True)
    (tmp_path / "crisis.yaml").write_text(text, encoding="utf-8")
    return tmp_path


def _problems(tmp_path: Path, data: Any) -> list[Any]:
    """Load a broken file and return the problems it raised."""
    with pytest.raises(ContentError) as caught:
        crisis.load(_write(tmp_path, data))
    return caught.value.problems


def test_at_least_thirty_countries_including_required(directory: crisis.CrisisDirectory) -> None:
    """The directory covers the countries the programme expects, and more than thirty."""
    assert len(directory.countries) >= 30
    assert set(directory.countries) >= REQUIRED


def test_country_codes_are_iso_alpha2_upper(directory: crisis.CrisisDirectory) -> None:
    """Keys are two upper-case letters."""
    for code in directory.countries:
        assert re.fullmatch(r"[A-Z]{2}", code), code


def test_every_country_entry_is_complete(directory: crisis.CrisisDirectory) -> None:
    """Name, emergency number, a reachable line, https source, date and a real time zone."""
    for code, entry in directory.countries.items():
        assert entry.name.strip(), code
        assert re.fullmatch(r"\d{2,4}", entry.emergency), code
        assert entry.source.startswith("https://"), code
        assert isinstance(entry.last_verified, datetime.date), code
        assert ZoneInfo(entry.timezone), code
        assert entry.lines, code
        for line in entry.lines:
            assert line.phone or line.sms or line.chat_url, (code, line.name)
            assert line.hours.strip() and line.languages, (code, line.name)
            for url in (line.chat_url, line.website):
                assert url is None or url.startswith("https://"), (code, line.name)


def test_each_country_has_at_least_one_line_reachable_by_phone(
    directory: crisis.CrisisDirectory,
) -> None:
    """Someone in crisis can always call somebody, not only text or chat."""
    for code, entry in directory.countries.items():
        assert any(line.phone for line in entry.lines), code


def test_international_resources_are_https_and_bilingual(
    directory: crisis.CrisisDirectory,
) -> None:
    """Fallback directories for unknown countries exist in every shipped language."""
    assert directory.international
    for resource in directory.international:
        assert resource.url.startswith("https://")
        assert resource.description.en.strip() and resource.description.es.strip()


@pytest.mark.parametrize("code", ["us", "Us", "US", " gb "])
def test_for_country_is_case_insensitive(directory: crisis.CrisisDirectory, code: str) -> None:
    """Lookups ignore case and surrounding spaces."""
    entry = directory.for_country(code)
    assert entry is not None
    assert entry is directory.countries[code.strip().upper()]


@pytest.mark.parametrize("code", ["ZZ", "", None, "USA"])
def test_for_country_unknown_is_none(directory: crisis.CrisisDirectory, code: str | None) -> None:
    """Unknown, empty or missing codes give None, never an error."""
    assert directory.for_country(code) is None


def test_missing_field_names_file_country_and_field(tmp_path: Path) -> None:
    """A country without an emergency number is reported with file, entry and field."""
    data = _valid_data()
    del data["countries"]["US"]["emergency"]
    problems = _problems(tmp_path, data)
    assert any(
        p.file == "crisis.yaml" and "US" in p.entry and p.field == "emergency" for p in problems
    ), problems


def test_bad_yaml_names_the_file(tmp_path: Path) -> None:
    """Unparseable YAML is a content problem naming the file, not a crash."""
    problems = _problems(tmp_path, "countries: [unclosed\n  - :")
    assert problems[0].file == "crisis.yaml"
    assert "not valid YAML" in problems[0].message


def test_missing_file_is_reported(tmp_path: Path) -> None:
    """No crisis.yaml at all is reported, not a FileNotFoundError."""
    with pytest.raises(ContentError) as caught:
        crisis.load(tmp_path)
    assert caught.value.problems[0].file == "crisis.yaml"


def test_line_without_any_contact_is_rejected(tmp_path: Path) -> None:
    """A line with no phone, sms or chat names the country and the line."""
    data = _valid_data()
    data["countries"]["US"]["lines"] = [{"name": "Nothing", "hours": "24/7", "languages": ["en"]}]
    problems = _problems(tmp_path, data)
    assert any("US" in p.entry and "lines" in f"{p.entry} {p.field}" for p in problems), problems
    assert any("phone, sms or chat_url" in p.message for p in problems)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("timezone", "Mars/Olympus_Mons"),
        ("source", "http://988lifeline.org/"),
        ("emergency", "call 911"),
        ("last_verified", "last spring"),
    ],
)
def test_bad_country_values_name_the_field(tmp_path: Path, field: str, value: str) -> None:
    """Invalid zone, non-https source, non-numeric emergency or bad date name their field."""
    data = copy.deepcopy(_valid_data())
    data["countries"]["US"][field] = value
    problems = _problems(tmp_path, data)
    assert any("US" in p.entry and p.field == field for p in problems), problems


@pytest.mark.parametrize("code", ["us", "USA", "U1"])
def test_bad_country_code_is_rejected(tmp_path: Path, code: str) -> None:
    """Country keys must be two upper-case letters."""
    data = _valid_data()
    data["countries"] = {code: data["countries"]["US"]}
    problems = _problems(tmp_path, data)
    assert any(code in p.entry for p in problems), problems


def test_bad_language_code_is_rejected(tmp_path: Path) -> None:
    """Languages are ISO 639-1 two-letter codes."""
    data = _valid_data()
    data["countries"]["US"]["lines"][0]["languages"] = ["English"]
    problems = _problems(tmp_path, data)
    assert any("US" in p.entry and "languages" in p.entry for p in problems), problems


def test_unknown_key_is_a_typo(tmp_path: Path) -> None:
    """Misspelt keys are errors, so a typo cannot silently drop a number."""
    data = _valid_data()
    data["countries"]["US"]["lines"][0]["phone_number"] = "988"
    problems = _problems(tmp_path, data)
    assert any(p.field == "phone_number" for p in problems), problems


def test_minimal_valid_file_loads(tmp_path: Path) -> None:
    """The base data used by these tests is itself valid."""
    loaded = crisis.load(_write(tmp_path, _valid_data()))
    assert loaded.for_country("us") is not None
    assert loaded.countries["US"].lines[0].unverified is False
