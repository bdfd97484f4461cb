"""The shipped coping strategies load, meet the content contract, and bad files fail clearly."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.catalog import coping
from bot.catalog._base import ContentError

CONTENT = Path(__file__).resolve().parents[2] / "content"
REQUIRED_FEELINGS = {
    "anxious",
    "panicky",
    "low",
    "angry",
    "overwhelmed",
    "lonely",
    "cant_sleep",
    "cravings",
    "grief",
    "work_study_stress",
}
CRISIS_POINTERS = {"low", "overwhelmed", "cravings", "grief", "numb", "ashamed"}


@pytest.fixture(scope="module")
def library() -> coping.CopingLibrary:
    """The shipped coping library."""
    return coping.load(CONTENT)


def _all_strategies(library: coping.CopingLibrary) -> list[coping.Strategy]:
    """Every strategy in menu order."""
    return [strategy for feeling in library.feelings.values() for strategy in feeling.strategies]


def test_shipped_content_has_required_feelings_and_counts(library: coping.CopingLibrary) -> None:
    """At least ten feelings including the named ones, and at least 40 strategies."""
    assert set(library.feelings) >= REQUIRED_FEELINGS
    assert len(library.feelings) >= 10
    assert len(_all_strategies(library)) >= 40
    assert all(len(feeling.strategies) >= 4 for feeling in library.feelings.values())


def test_every_strategy_is_sourced_and_timed(library: coping.CopingLibrary) -> None:
    """Each strategy cites where it comes from and takes 1..60 minutes."""
    for strategy in _all_strategies(library):
        assert strategy.source.strip(), strategy.id
        assert 1 <= strategy.minutes <= 60, strategy.id


def test_ids_are_unique_and_fit_callback_data(library: coping.CopingLibrary) -> None:
    """Strategy ids are unique and short enough to ride in callback_data."""
    ids = [strategy.id for strategy in _all_strategies(library)]
    assert len(ids) == len(set(ids))
    assert all(len(f"cope:{strategy_id}".encode()) <= 64 for strategy_id in ids)


def test_labels_and_titles_fit_buttons(library: coping.CopingLibrary) -> None:
    """Feeling labels are <= 24 characters; labels and titles fit 64 bytes."""
    for feeling in library.feelings.values():
        for language in ("en", "es"):
            label = feeling.label.get(language)
            assert len(label) <= 24 and len(label.encode()) <= 64, label
            for strategy in feeling.strategies:
                assert len(strategy.title.get(language).encode()) <= 64, strategy.id


def test_steps_match_across_languages(library: coping.CopingLibrary) -> None:
    """English and Spanish have the same 2..8 steps."""
    for strategy in _all_strategies(library):
        assert len(strategy.steps.en) == len(strategy.steps.es), strategy.id
        assert 2 <= len(strategy.steps.en) <= 8, strategy.id


def test_heavy_feelings_point_to_crisis(library: coping.CopingLibrary) -> None:
    """Feelings where risk can rise mention /crisis in a step, in both languages."""
    for feeling_id in CRISIS_POINTERS:
        feeling = library.feelings[feeling_id]
        for language in ("en", "es"):
            steps = [step for s in feeling.strategies for step in s.steps.get(language)]
            assert any("/crisis" in step for step in steps), (feeling_id, language)


def test_menu_order_follows_order_field(library: coping.CopingLibrary) -> None:
    """Feelings come in the order staff set, anxious first."""
    orders = [feeling.order for feeling in library.feelings.values()]
    assert orders == sorted(orders)
    assert next(iter(library.feelings)) == "anxious"


def test_lookups(library: coping.CopingLibrary) -> None:
    """strategy() and feeling_of() find by id and return None for unknown ids."""
    strategy = library.strategy("cravings-urge-surfing")
    assert strategy is not None and strategy.title.en == "Urge surfing"
    feeling = library.feeling_of("cravings-urge-surfing")
    assert feeling is not None and feeling.id == "cravings"
    assert library.strategy("nope") is None
    assert library.feeling_of("nope") is None


# --- broken content -------------------------------------------------------------------------


def _strategy(strategy_id: str, steps: int = 2) -> dict[str, Any]:
    """A valid strategy as YAML data."""
    return {
        "id": strategy_id,
        "title": {"en": "Breathe", "es": "Respira"},
        "minutes": 2,
        "steps": {
            "en": [f"Step {n}" for n in range(steps)],
            "es": [f"Paso {n}" for n in range(steps)],
        },
        "source": "NHS",
    }


def _feeling(feeling_id: str) -> dict[str, Any]:
    """A valid feeling with four strategies as YAML data."""
    return {
        "id": feeling_id,
        "label": {"en": "Calm", "es": "Calma"},
        "intro": {"en": "Hello.", "es": "Hola."},
        "strategies": [_strategy(f"{feeling_id}-{n}") for n in range(4)],
    }


def _write(root: Path, name: str, data: Any) -> None:
    """Write a coping file under root/coping."""
    (root / "coping").mkdir(exist_ok=True)
    text = data if isinstance(data, str) else yaml.safe_dump(data, allow_unicode=True)
    (root / "coping" / f"{name}.yaml").write_text(text, encoding="utf-8")


def _problems(root: Path) -> list[str]:
    """Load root and return the problems as strings."""
    with pytest.raises(ContentError) as caught:
        coping.load(root)
    return [str(problem) for problem in caught.value.problems]


def test_valid_minimal_content_loads(tmp_path: Path) -> None:
    """The fixtures themselves are valid, so the failures below are about the break."""
    _write(tmp_path, "calm", _feeling("calm"))
    assert list(coping.load(tmp_path).feelings) == ["calm"]


def test_missing_field_names_file_and_field(tmp_path: Path) -> None:
    """A strategy without a source is reported with file, entry and field."""
    data = _feeling("calm")
    del data["strategies"][1]["source"]
    _write(tmp_path, "calm", data)
    problems = _problems(tmp_path)
    expected = "coping/calm.yaml: strategies > 1 > source: Field required"
    assert expected in problems


def test_bad_yaml_names_file(tmp_path: Path) -> None:
    """Unparseable YAML is reported against its file."""
    _write(tmp_path, "calm", "id: calm\nlabel: [unclosed\n")
    problems = _problems(tmp_path)
    assert len(problems) == 1 and problems[0].startswith("coping/calm.yaml: not valid YAML")


def test_duplicate_strategy_id_across_files(tmp_path: Path) -> None:
    """The same strategy id in two files is reported on the second file."""
    first, second = _feeling("calm"), _feeling("busy")
    second["strategies"][2]["id"] = "calm-0"
    _write(tmp_path, "calm", first)
    _write(tmp_path, "busy", second)
    problems = _problems(tmp_path)
    assert any("coping/calm.yaml" in p and "id" in p and "calm-0" in p for p in problems)
    assert len(problems) == 1


def test_file_stem_must_equal_id(tmp_path: Path) -> None:
    """A feeling whose id differs from its file name is rejected."""
    _write(tmp_path, "calm", _feeling("quiet"))
    assert any("coping/calm.yaml" in p and "id" in p for p in _problems(tmp_path))


@pytest.mark.parametrize(
    ("mutate", "field"),
    [
        (lambda d: d["strategies"][0]["steps"]["es"].pop(), "steps"),
        (lambda d: d["strategies"][0].update(steps={"en": ["a"], "es": ["b"]}), "steps"),
        (lambda d: d["label"].update(es="x" * 25), "label"),
        (lambda d: d["strategies"][0].update(minutes=90), "minutes"),
        (lambda d: d["strategies"].pop(), "strategies"),
        (lambda d: d["strategies"][0].update(id="Has Spaces"), "id"),
        (lambda d: d.update(colour="blue"), "colour"),
    ],
)
def test_invalid_values_are_reported(tmp_path: Path, mutate: Any, field: str) -> None:
    """Each rule breaks loading with a problem that names the field."""
    data = _feeling("calm")
    mutate(data)
    _write(tmp_path, "calm", data)
    assert any("coping/calm.yaml" in p and field in p for p in _problems(tmp_path))


def test_all_problems_are_collected(tmp_path: Path) -> None:
    """Problems in several files are reported together in one error."""
    broken_a, broken_b = _feeling("calm"), _feeling("busy")
    del broken_a["intro"]
    del broken_b["label"]
    _write(tmp_path, "calm", broken_a)
    _write(tmp_path, "busy", broken_b)
    problems = _problems(tmp_path)
    assert any("coping/calm.yaml" in p and "intro" in p for p in problems)
    assert any("coping/busy.yaml" in p and "label" in p for p in problems)


def test_empty_folder_is_an_error(tmp_path: Path) -> None:
    """No coping files at all is a content error, not an empty menu."""
    (tmp_path / "coping").mkdir()
    assert _problems(tmp_path)
