"""Shipped mentor training loads, lessons are valid Telegram HTML, bad files fail clearly."""

from __future__ import annotations

import copy
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.catalog import training
from bot.catalog._base import ContentError

CONTENT = Path(__file__).resolve().parents[2] / "content"
REQUIRED_MODULES = [
    "active_listening",
    "boundaries_dependency",
    "non_judgement_language",
    "confidentiality_limits",
    "crisis_protocol_referrals",
    "self_care_burnout",
]
TELEGRAM_ENTITIES = {"amp", "lt", "gt", "quot"}


class TagChecker(HTMLParser):
    """Collects tag problems the way Telegram's HTML parser would reject them."""

    def __init__(self) -> None:
        """Start with no open tags and no problems."""
        super().__init__(convert_charrefs=False)
        self.stack: list[str] = []
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Only <b> and <i>, without attributes, may open."""
        if tag not in {"b", "i"} or attrs:
            self.problems.append(f"<{tag}> not allowed")
        self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Self-closing tags are never allowed."""
        self.problems.append(f"<{tag}/> not allowed")

    def handle_endtag(self, tag: str) -> None:
        """A closing tag must match the innermost open tag."""
        if not self.stack or self.stack.pop() != tag:
            self.problems.append(f"</{tag}> unbalanced")

    def handle_entityref(self, name: str) -> None:
        """Telegram only understands a few named entities."""
        if name not in TELEGRAM_ENTITIES:
            self.problems.append(f"&{name}; not supported")


def tag_problems(text: str) -> list[str]:
    """Problems html.parser finds in text, including tags left open."""
    checker = TagChecker()
    checker.feed(text)
    checker.close()
    return checker.problems + [f"<{tag}> never closed" for tag in checker.stack]


@pytest.fixture(scope="module")
def course() -> training.TrainingCourse:
    """The shipped training course."""
    return training.load(CONTENT)


def test_shipped_course_has_required_modules_in_order(course: training.TrainingCourse) -> None:
    """The six required modules come first, in order, with orders 1..6."""
    assert [module.id for module in course.modules][:6] == REQUIRED_MODULES
    assert [module.order for module in course.modules][:6] == [1, 2, 3, 4, 5, 6]
    assert len({module.id for module in course.modules}) == len(course.modules)


def test_modules_have_sources_and_quizzes(course: training.TrainingCourse) -> None:
    """Every module cites sources and has 1..2 questions with exactly one right answer."""
    for module in course.modules:
        assert module.sources and all(source.strip() for source in module.sources)
        assert 1 <= len(module.questions) <= 2
        for question in module.questions:
            assert 2 <= len(question.choices) <= 4
            assert sum(choice.correct for choice in question.choices) == 1


def test_choice_buttons_fit(course: training.TrainingCourse) -> None:
    """Choice texts and module titles are <= 40 characters and fit 64 bytes."""
    for module in course.modules:
        texts = [module.title] + [c.text for q in module.questions for c in q.choices]
        for text in texts:
            for language in ("en", "es"):
                value = text.get(language)
                assert len(value) <= 40 and len(value.encode()) <= 64, value


@pytest.mark.parametrize("language", ["en", "es"])
def test_lessons_are_valid_telegram_html(course: training.TrainingCourse, language: str) -> None:
    """Lessons use only balanced <b>/<i> and are 120-300 words."""
    for module in course.modules:
        lesson = module.lesson.get(language)
        assert tag_problems(lesson) == [], module.id
        assert training.html_problem(lesson) is None, module.id
        assert 120 <= training.word_count(lesson) <= 300, module.id


def test_key_commands_are_taught(course: training.TrainingCourse) -> None:
    """The crisis module teaches /crisis; the self-care module teaches /pause and /stepback."""
    crisis, self_care = (
        course.module("crisis_protocol_referrals"),
        course.module("self_care_burnout"),
    )
    assert crisis is not None and self_care is not None
    for language in ("en", "es"):
        assert "/crisis" in crisis.lesson.get(language)
        assert "/pause" in self_care.lesson.get(language)
        assert "/stepback" in self_care.lesson.get(language)
    assert course.module("nope") is None


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ("<b>bold</b> and <i>italic</i>", True),
        ("<b><i>nested</i></b>", True),
        ("A &amp; B, 1 &lt; 2", True),
        ("<u>underline</u>", False),
        ("<b>open", False),
        ("<b><i>crossed</b></i>", False),
        ('<a href="x">link</a>', False),
        ("A & B", False),
        ("1 < 2", False),
        ("<br>", False),
    ],
)
def test_html_checker_agrees_with_html_parser(text: str, ok: bool) -> None:
    """The loader's HTML check accepts and rejects the same snippets as html.parser."""
    assert (training.html_problem(text) is None) is ok
    if ok:
        assert tag_problems(text) == []


# --- broken content -------------------------------------------------------------------------

LESSON = "<b>Listen</b> " + " ".join(["word"] * 130)
VALID_MODULE: dict[str, Any] = {
    "id": "listening",
    "order": 1,
    "title": {"en": "Listening", "es": "Escucha"},
    "minutes": 5,
    "lesson": {"en": LESSON, "es": LESSON},
    "questions": [
        {
            "id": "q1",
            "prompt": {"en": "Which?", "es": "¿Cuál?"},
            "choices": [
                {
                    "text": {"en": "A", "es": "A"},
                    "correct": True,
                    "feedback": {"en": "Y", "es": "S"},
                },
                {
                    "text": {"en": "B", "es": "B"},
                    "correct": False,
                    "feedback": {"en": "N", "es": "N"},
                },
            ],
        }
    ],
    "sources": ["Miller & Rollnick"],
}


def _write(root: Path, name: str, data: Any) -> None:
    """Write a training file under root/training."""
    (root / "training").mkdir(exist_ok=True)
    text = data if isinstance(data, str) else yaml.safe_dump(data, allow_unicode=True)
    (root / "training" / f"{name}.yaml").write_text(text, encoding="utf-8")


def _module(**changes: Any) -> dict[str, Any]:
    """A deep copy of the valid module with top-level changes applied."""
    data = copy.deepcopy(VALID_MODULE)
    data.update(changes)
    return data


def _problems(root: Path) -> list[str]:
    """Load root and return the problems as strings."""
    with pytest.raises(ContentError) as caught:
        training.load(root)
    return [str(problem) for problem in caught.value.problems]


def test_valid_minimal_module_loads(tmp_path: Path) -> None:
    """The fixture is valid, so the failures below are about the break."""
    _write(tmp_path, "01_listening", _module())
    assert training.load(tmp_path).modules[0].id == "listening"


def test_missing_field_names_file_and_field(tmp_path: Path) -> None:
    """A module without sources is reported with its file and field."""
    data = _module()
    del data["sources"]
    _write(tmp_path, "01_listening", data)
    assert "training/01_listening.yaml: sources: Field required" in _problems(tmp_path)


def test_bad_yaml_names_file(tmp_path: Path) -> None:
    """Unparseable YAML is reported against its file."""
    _write(tmp_path, "01_listening", "id: listening\nlesson: {en: [\n")
    problems = _problems(tmp_path)
    assert len(problems) == 1 and problems[0].startswith("training/01_listening.yaml: not valid")


def test_duplicate_module_id(tmp_path: Path) -> None:
    """Two files with the same module id are reported on the second file."""
    _write(tmp_path, "01_listening", _module())
    _write(tmp_path, "02_listening", _module(order=2))
    problems = _problems(tmp_path)
    assert any("training/02_listening.yaml" in p and "duplicate module id" in p for p in problems)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        (
            {"lesson": {"en": LESSON.replace("<b>", "<u>").replace("</b>", "</u>"), "es": LESSON}},
            "lesson",
        ),
        ({"lesson": {"en": LESSON + " A & B", "es": LESSON}}, "lesson"),
        ({"lesson": {"en": "<b>Too short</b>", "es": LESSON}}, "lesson"),
        ({"order": 3}, "order"),
        ({"id": "other"}, "id"),
        ({"questions": []}, "questions"),
        ({"sources": []}, "sources"),
        ({"title": {"en": "x" * 41, "es": "x"}}, "title"),
        ({"colour": "blue"}, "colour"),
    ],
)
def test_invalid_modules_are_reported(tmp_path: Path, changes: dict[str, Any], field: str) -> None:
    """Each rule breaks loading with a problem naming the file and the field."""
    _write(tmp_path, "01_listening", _module(**changes))
    assert any("training/01_listening.yaml" in p and field in p for p in _problems(tmp_path))


@pytest.mark.parametrize("breakage", ["two_correct", "long_choice", "one_choice"])
def test_invalid_choices_are_reported(tmp_path: Path, breakage: str) -> None:
    """Choices need exactly one correct answer, 2..4 options and short button text."""
    data = _module()
    choices = data["questions"][0]["choices"]
    if breakage == "two_correct":
        choices[1]["correct"] = True
    elif breakage == "long_choice":
        choices[0]["text"]["es"] = "y" * 41
    else:
        del choices[1]
    _write(tmp_path, "01_listening", data)
    problems = _problems(tmp_path)
    assert any("questions > 0" in p and "choices" in p for p in problems), problems


def test_bad_file_name_is_reported(tmp_path: Path) -> None:
    """Files must be named NN_<id>.yaml."""
    _write(tmp_path, "listening", _module())
    assert any("training/listening.yaml" in p for p in _problems(tmp_path))


def test_empty_folder_is_an_error(tmp_path: Path) -> None:
    """No training files at all is a content error."""
    (tmp_path / "training").mkdir()
    assert _problems(tmp_path)
