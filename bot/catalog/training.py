"""Mentor training modules with a short quiz each: content/training/<NN>_<id>.yaml."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

from pydantic import Field, field_validator, model_validator

from bot.catalog._base import (
    SHIPPED_LANGUAGES,
    ContentError,
    ContentProblem,
    Localized,
    StrictModel,
    collect,
    load_yaml_model,
    require_text,
)

Slug = Annotated[str, Field(pattern=r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$", max_length=32)]

BUTTON_MAX_CHARS = 40
LESSON_MIN_WORDS, LESSON_MAX_WORDS = 120, 300
ALLOWED_TAGS = frozenset({"b", "i"})
FILE_NAME = re.compile(r"^(\d{2})_([a-z0-9_]+)$")
_TAG = re.compile(r"<(/?)([^<>]*)>")
_BAD_AMPERSAND = re.compile(r"&(?!(?:amp|lt|gt|quot|#\d+|#x[0-9a-fA-F]+);)")


def html_problem(text: str) -> str | None:
    """Why text is not Telegram HTML limited to <b>/<i>, or None when it is fine."""
    stack: list[str] = []
    for match in _TAG.finditer(text):
        closing, name = match.group(1) == "/", match.group(2)
        if name not in ALLOWED_TAGS:
            return f"tag <{match.group(1)}{name}> is not allowed; use only <b> and <i>"
        if not closing:
            stack.append(name)
        elif not stack or stack.pop() != name:
            return f"closing tag </{name}> does not match an open tag"
    if stack:
        return f"tag <{stack[-1]}> is never closed"
    stripped = _TAG.sub("", text)
    if "<" in stripped or ">" in stripped:
        return "a bare < or > must be written as &lt; or &gt;"
    if _BAD_AMPERSAND.search(text):
        return "a bare & must be written as &amp;"
    return None


def word_count(text: str) -> int:
    """Words in text once HTML tags are removed."""
    return len(_TAG.sub(" ", text).split())


class Choice(StrictModel):
    """One answer button in a quiz question."""

    text: Localized
    correct: bool
    feedback: Localized

    @field_validator("text")
    @classmethod
    def _text_fits_button(cls, value: Localized) -> Localized:
        """Choices become buttons: at most 40 characters."""
        return require_text(value, BUTTON_MAX_CHARS)

    @field_validator("feedback")
    @classmethod
    def _feedback_present(cls, value: Localized) -> Localized:
        """Feedback is what the mentor learns from, so it cannot be blank."""
        return require_text(value)


class Question(StrictModel):
    """A multiple-choice question with exactly one right answer."""

    id: Slug
    prompt: Localized
    choices: list[Choice] = Field(min_length=2, max_length=4)

    @field_validator("prompt")
    @classmethod
    def _prompt_present(cls, value: Localized) -> Localized:
        """A question needs a prompt in every language."""
        return require_text(value)

    @field_validator("choices")
    @classmethod
    def _one_correct(cls, value: list[Choice]) -> list[Choice]:
        """Exactly one choice is marked correct."""
        correct = sum(choice.correct for choice in value)
        if correct != 1:
            raise ValueError(f"exactly one choice must be correct, found {correct}")
        return value


class Module(StrictModel):
    """A short lesson for mentors followed by one or two questions."""

    id: Slug
    order: int = Field(ge=1, le=99)
    title: Localized
    minutes: int = Field(ge=1, le=60)
    lesson: Localized
    questions: list[Question] = Field(min_length=1, max_length=2)
    sources: list[Annotated[str, Field(min_length=3)]] = Field(min_length=1)

    @field_validator("title")
    @classmethod
    def _title_fits_button(cls, value: Localized) -> Localized:
        """Module titles become menu buttons: at most 40 characters."""
        return require_text(value, BUTTON_MAX_CHARS)

    @field_validator("lesson")
    @classmethod
    def _lesson_shape(cls, value: Localized) -> Localized:
        """Lessons are 120-300 words of Telegram HTML using only <b> and <i>."""
        for language in SHIPPED_LANGUAGES:
            text = getattr(value, language)
            problem = html_problem(text)
            if problem:
                raise ValueError(f"{language}: {problem}")
            words = word_count(text)
            if not LESSON_MIN_WORDS <= words <= LESSON_MAX_WORDS:
                limits = f"{LESSON_MIN_WORDS}-{LESSON_MAX_WORDS}"
                raise ValueError(f"{language}: {words} words, need {limits}")
        return value

    @field_validator("questions")
    @classmethod
    def _question_ids_unique(cls, value: list[Question]) -> list[Question]:
        """Question ids are unique within a module."""
        ids = [question.id for question in value]
        if len(ids) != len(set(ids)):
            raise ValueError("question ids must be unique within a module")
        return value


class TrainingCourse(StrictModel):
    """Every module, in order."""

    modules: list[Module]

    @model_validator(mode="after")
    def _ordered_unique(self) -> TrainingCourse:
        """Modules are sorted by order, with unique ids and orders."""
        orders = [module.order for module in self.modules]
        if orders != sorted(orders) or len(set(orders)) != len(orders):
            raise ValueError("modules must have distinct orders and be sorted by order")
        ids = [module.id for module in self.modules]
        if len(ids) != len(set(ids)):
            raise ValueError("module ids must be unique")
        return self

    def module(self, module_id: str) -> Module | None:
        """The module with this id, or None."""
        return next((module for module in self.modules if module.id == module_id), None)


def _load_module(path: Path, root: Path) -> Module:
    """Load one module file and check it agrees with its NN_<id> file name."""
    relative = str(path.relative_to(root))
    match = FILE_NAME.match(path.stem)
    if not match:
        message = "file name must look like '01_active_listening.yaml'"
        raise ContentError([ContentProblem(relative, "", "", message)])
    module = load_yaml_model(Module, path, root)
    problems = []
    if module.order != int(match.group(1)):
        message = f"order {module.order} must equal the file name prefix {match.group(1)}"
        problems.append(ContentProblem(relative, "", "order", message))
    if module.id != match.group(2):
        message = f"id {module.id!r} must equal the file name part {match.group(2)!r}"
        problems.append(ContentProblem(relative, "", "id", message))
    if problems:
        raise ContentError(problems)
    return module


def load(content_dir: Path) -> TrainingCourse:
    """Read content_dir/training/*.yaml, reporting every problem in one ContentError."""
    files = sorted((content_dir / "training").glob("*.yaml"))
    if not files:
        raise ContentError([ContentProblem("training", "", "", "no module files (*.yaml) found")])
    loaders = [lambda path=path: _load_module(path, content_dir) for path in files]
    modules: list[Module] = collect(loaders)
    problems: list[ContentProblem] = []
    first_seen: dict[str, str] = {}
    for path, module in zip(files, modules, strict=True):
        relative = str(path.relative_to(content_dir))
        for key in (f"id {module.id!r}", f"order {module.order}"):
            if key in first_seen:
                message = f"duplicate module {key} (first in {first_seen[key]})"
                problems.append(ContentProblem(relative, "", key.split()[0], message))
            first_seen.setdefault(key, relative)
    if problems:
        raise ContentError(problems)
    return TrainingCourse(modules=sorted(modules, key=lambda module: module.order))
