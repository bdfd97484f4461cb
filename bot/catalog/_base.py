"""Shared machinery for loading content files: YAML parsing and uniform error reporting.

Content is data edited by programme staff, so every problem is reported as
``file: entry: field: message`` and all problems are collected before failing,
so one run of ``python -m bot check-content`` shows everything to fix.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

ModelT = TypeVar("ModelT", bound=BaseModel)
# libyaml's loader parses the content about ten times faster; same safe subset of YAML.
SAFE_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class StrictModel(BaseModel):
    """Base for content models: unknown keys are typos, so they are errors."""

    model_config = ConfigDict(extra="forbid", frozen=True)


@dataclass(frozen=True)
class ContentProblem:
    """One problem in one content file."""

    file: str
    entry: str
    field: str
    message: str

    def __str__(self) -> str:
        where = " > ".join(part for part in (self.entry, self.field) if part)
        return f"{self.file}: {where}: {self.message}" if where else f"{self.file}: {self.message}"


@dataclass
class ContentError(Exception):
    """Raised when content is invalid; carries every problem found."""

    problems: list[ContentProblem] = field(default_factory=list)

    def __str__(self) -> str:
        lines = [f"Content has {len(self.problems)} problem(s):"]
        lines += [f"  - {problem}" for problem in self.problems]
        return "\n".join(lines)


def read_yaml(path: Path, root: Path) -> Any:
    """Parse one YAML file, turning parse errors into a ContentError naming the file."""
    relative = _relative(path, root)
    try:
        with path.open(encoding="utf-8") as handle:
            return yaml.load(handle, Loader=SAFE_LOADER)
    except FileNotFoundError:
        raise ContentError([ContentProblem(relative, "", "", "file is missing")]) from None
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        message = " ".join(str(exc).split())
        raise ContentError(
            [ContentProblem(relative, "", "", f"not valid YAML: {message}")]
        ) from None


def validate(model: type[ModelT], data: Any, path: Path, root: Path) -> ModelT:
    """Validate parsed YAML against a model, reporting every error as file/entry/field."""
    relative = _relative(path, root)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            location = [str(part) for part in error["loc"]]
            entry = " > ".join(location[:-1])
            field_name = location[-1] if location else ""
            problems.append(ContentProblem(relative, entry, field_name, error["msg"]))
        raise ContentError(problems) from None


def load_yaml_model(model: type[ModelT], path: Path, root: Path) -> ModelT:
    """Read and validate one YAML file."""
    return validate(model, read_yaml(path, root), path, root)


def collect(loaders: list[Any]) -> list[Any]:
    """Run zero-argument loaders, gathering every ContentError before raising one combined error."""
    results: list[Any] = []
    problems: list[ContentProblem] = []
    for loader in loaders:
        try:
            results.append(loader())
        except ContentError as exc:
            problems.extend(exc.problems)
            results.append(None)
    if problems:
        raise ContentError(problems)
    return results


def _relative(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


SHIPPED_LANGUAGES: tuple[str, ...] = ("en", "es")


class Localized(StrictModel):
    """A piece of member-facing text in every shipped language."""

    en: str
    es: str

    def get(self, language: str) -> str:
        """Text in ``language``, falling back to English for a language we do not ship."""
        return getattr(self, language, None) or self.en


class LocalizedList(StrictModel):
    """A list of member-facing lines (e.g. steps) in every shipped language."""

    en: list[str]
    es: list[str]

    def get(self, language: str) -> list[str]:
        """Lines in ``language``, falling back to English."""
        return getattr(self, language, None) or self.en


def require_text(value: Localized, max_chars: int | None = None) -> Localized:
    """Check every language has non-blank text, optionally no longer than max_chars."""
    for language in SHIPPED_LANGUAGES:
        text = getattr(value, language)
        if not text.strip():
            raise ValueError(f"{language}: text is empty")
        if max_chars is not None and len(text) > max_chars:
            raise ValueError(f"{language}: {len(text)} characters, at most {max_chars} allowed")
    return value


def default_content_dir() -> Path:
    """The content/ folder shipped with the package."""
    return Path(str(resources.files("content")))
