"""Coping strategies, grouped by how the member feels: content/coping/<feeling>.yaml."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import Field, field_validator, model_validator

from bot.catalog._base import (
    SHIPPED_LANGUAGES,
    ContentError,
    ContentProblem,
    Localized,
    LocalizedList,
    StrictModel,
    collect,
    load_yaml_model,
    require_text,
)

SLUG = r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$"
"""Ids are lowercase slugs; they travel in callback_data, so they stay short."""

Slug = Annotated[str, Field(pattern=SLUG, max_length=40)]

LABEL_MAX_CHARS = 24
TITLE_MAX_CHARS = 40
STEPS_MIN, STEPS_MAX = 2, 8


class Strategy(StrictModel):
    """One technique a member can try right now, as short steps."""

    id: Slug
    title: Localized
    minutes: int = Field(ge=1, le=60)
    steps: LocalizedList
    source: str = Field(min_length=3)

    @field_validator("title")
    @classmethod
    def _title_fits_button(cls, value: Localized) -> Localized:
        """Titles become buttons, so they are short and never blank."""
        return require_text(value, TITLE_MAX_CHARS)

    @field_validator("steps")
    @classmethod
    def _steps_match(cls, value: LocalizedList) -> LocalizedList:
        """Every language has the same 2..8 non-blank steps."""
        counts = {language: len(getattr(value, language)) for language in SHIPPED_LANGUAGES}
        if len(set(counts.values())) != 1:
            shown = ", ".join(f"{lang}={count}" for lang, count in counts.items())
            raise ValueError(f"every language needs the same number of steps ({shown})")
        count = counts[SHIPPED_LANGUAGES[0]]
        if not STEPS_MIN <= count <= STEPS_MAX:
            raise ValueError(f"{count} steps, need {STEPS_MIN}..{STEPS_MAX}")
        for language in SHIPPED_LANGUAGES:
            if any(not step.strip() for step in getattr(value, language)):
                raise ValueError(f"{language}: a step is empty")
        return value


class Feeling(StrictModel):
    """A feeling the member can pick, with the strategies offered for it."""

    id: Slug
    order: int = Field(default=100, ge=0)
    label: Localized
    intro: Localized
    strategies: list[Strategy] = Field(min_length=4)

    @field_validator("label")
    @classmethod
    def _label_fits_button(cls, value: Localized) -> Localized:
        """Labels are menu buttons: at most 24 characters."""
        return require_text(value, LABEL_MAX_CHARS)

    @field_validator("intro")
    @classmethod
    def _intro_present(cls, value: Localized) -> Localized:
        """The intro is shown before the strategies, so it cannot be blank."""
        return require_text(value)


class CopingLibrary(StrictModel):
    """Every feeling, in menu order, with lookups by strategy id."""

    feelings: dict[str, Feeling]

    @model_validator(mode="after")
    def _ids_unique(self) -> CopingLibrary:
        """Feeling keys match their ids and strategy ids are unique across feelings."""
        seen: set[str] = set()
        for key, feeling in self.feelings.items():
            if key != feeling.id:
                raise ValueError(f"feeling key {key!r} differs from its id {feeling.id!r}")
            for strategy in feeling.strategies:
                if strategy.id in seen:
                    raise ValueError(f"strategy id {strategy.id!r} is used more than once")
                seen.add(strategy.id)
        return self

    def strategy(self, strategy_id: str) -> Strategy | None:
        """The strategy with this id, or None."""
        for feeling in self.feelings.values():
            for strategy in feeling.strategies:
                if strategy.id == strategy_id:
                    return strategy
        return None

    def feeling_of(self, strategy_id: str) -> Feeling | None:
        """The feeling that offers this strategy, or None."""
        for feeling in self.feelings.values():
            if any(strategy.id == strategy_id for strategy in feeling.strategies):
                return feeling
        return None


def _load_feeling(path: Path, root: Path) -> Feeling:
    """Load one feeling file and check its id matches the file name."""
    feeling = load_yaml_model(Feeling, path, root)
    if feeling.id != path.stem:
        relative = str(path.relative_to(root))
        message = f"id {feeling.id!r} must equal the file name {path.stem!r}"
        raise ContentError([ContentProblem(relative, "", "id", message)])
    return feeling


def _duplicate_problems(
    files: list[Path], feelings: list[Feeling], root: Path
) -> list[ContentProblem]:
    """Report strategy ids used twice, naming the file and position of each repeat."""
    problems: list[ContentProblem] = []
    first_seen: dict[str, str] = {}
    for path, feeling in zip(files, feelings, strict=True):
        relative = str(path.relative_to(root))
        for index, strategy in enumerate(feeling.strategies):
            if strategy.id in first_seen:
                first = first_seen[strategy.id]
                message = f"duplicate strategy id {strategy.id!r} (first in {first})"
                problems.append(ContentProblem(relative, f"strategies > {index}", "id", message))
            else:
                first_seen[strategy.id] = relative
    return problems


def load(content_dir: Path) -> CopingLibrary:
    """Read content_dir/coping/*.yaml, reporting every problem in one ContentError."""
    folder = content_dir / "coping"
    files = sorted(folder.glob("*.yaml"))
    if not files:
        raise ContentError([ContentProblem("coping", "", "", "no feeling files (*.yaml) found")])
    loaded = collect([lambda path=path: _load_feeling(path, content_dir) for path in files])
    problems = _duplicate_problems(files, loaded, content_dir)
    if problems:
        raise ContentError(problems)
    ordered = sorted(loaded, key=lambda feeling: (feeling.order, feeling.id))
    return CopingLibrary(feelings={feeling.id: feeling for feeling in ordered})
