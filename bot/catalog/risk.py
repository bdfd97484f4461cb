"""Crisis-language lexicons, content/risk/<language>.yaml: models and loading.

The phrase language of ``patterns``, ``words``, ``exclusions`` and ``pseudo_negations``, and the
``regex`` entries, are described in bot/catalog/risk_patterns.py; loading checks that every one
of them translates and compiles, naming the file, rule and field of each problem.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, StringConstraints, model_validator

from bot.catalog._base import ContentError, ContentProblem, StrictModel, collect, load_yaml_model
from bot.catalog.risk_patterns import (
    PatternError,
    Words,
    checked,
    group_fails,
    phrase_alternative,
    raw_regex,
    translated,
)

FOLDER = "risk"

RuleId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_.-]{0,63}$")]
Phrase = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=600)]
Regex = Annotated[str, StringConstraints(min_length=1, max_length=600)]
Word = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+$")]
ListName = Annotated[str, StringConstraints(pattern=r"^[a-z_][a-z0-9_]*$")]
SeverityName = Literal["imminent", "high", "concern"]


class RiskRule(StrictModel):
    """One kind of risk statement, with the phrases that express it."""

    id: RuleId
    severity: SeverityName
    patterns: list[Phrase] = Field(default_factory=list)
    regex: list[Regex] = Field(default_factory=list)
    negatable: bool = True
    note: str = ""

    @model_validator(mode="after")
    def _has_patterns(self) -> RiskRule:
        """A rule without patterns or regexes can never match: a sign of a mistake."""
        if not (self.patterns or self.regex):
            raise ValueError("a rule needs at least one entry in patterns or regex")
        return self


class RiskLexicon(StrictModel):
    """Everything needed to screen one language."""

    language: Annotated[str, StringConstraints(pattern=r"^[a-z]{2}$")]
    negation_window: int = Field(default=3, ge=0, le=8)
    negations: list[Word] = Field(default_factory=list)
    negation_breakers: list[Word] = Field(default_factory=list)
    pseudo_negations: list[Phrase] = Field(default_factory=list)
    words: dict[ListName, list[Phrase]] = Field(default_factory=dict)
    rules: list[RiskRule] = Field(min_length=1)
    exclusions: list[Phrase] = Field(default_factory=list)

    @model_validator(mode="after")
    def _unique_ids(self) -> RiskLexicon:
        """Rule ids name the rule in alerts and statistics, so they must be unique."""
        ids = [rule.id for rule in self.rules]
        duplicates = sorted({rule_id for rule_id in ids if ids.count(rule_id) > 1})
        if duplicates:
            raise ValueError(f"duplicate rule ids: {', '.join(duplicates)}")
        return self


# --- loading ---------------------------------------------------------------------------------


def load(content_dir: Path) -> dict[str, RiskLexicon]:
    """Load every content/risk/*.yaml (the file stem is the language), raising ContentError."""
    paths = sorted((content_dir / FOLDER).glob("*.yaml"))
    if not paths:
        raise ContentError([ContentProblem(FOLDER, "", "", "no lexicon files (*.yaml) found")])
    lexicons = collect([partial(_load_one, path, content_dir) for path in paths])
    return {path.stem: lexicon for path, lexicon in zip(paths, lexicons, strict=True)}


def _load_one(path: Path, root: Path) -> RiskLexicon:
    """Validate one lexicon file, including that every pattern compiles."""
    lexicon = load_yaml_model(RiskLexicon, path, root)
    relative = path.relative_to(root).as_posix()  # paths come from a glob under root
    problems = [
        ContentProblem(relative, entry, field, message)
        for entry, field, message in _pattern_problems(lexicon, path.stem)
    ]
    if problems:
        raise ContentError(problems)
    return lexicon


def _pattern_problems(lexicon: RiskLexicon, stem: str) -> Iterator[tuple[str, str, str]]:
    """Yield (entry, field, message) for every pattern problem in a lexicon."""
    if lexicon.language != stem:
        yield "", "language", f"is {lexicon.language!r} but the file name says {stem!r}"
    words = Words(lexicon.words)
    for name, entries in lexicon.words.items():
        for index, entry in enumerate(entries):
            # no breadth check: entries may be short, common words
            yield from _try(f"words > {name}", str(index), partial(translated, entry, words))
    for rule in lexicon.rules:
        items = [
            (
                f"patterns > {index}",
                f"pattern {phrase!r}",
                partial(lambda p: phrase_alternative(p, words)[0], phrase),
            )
            for index, phrase in enumerate(rule.patterns)
        ]
        items += [
            (f"regex > {index}", f"regex {source!r}", partial(raw_regex, source))
            for index, source in enumerate(rule.regex)
        ]
        yield from _checked_together(f"rule {rule.id}", items)
    for section in ("exclusions", "pseudo_negations"):
        yield from _checked_together(
            section,
            [
                (
                    str(index),
                    f"pattern {phrase!r}",
                    partial(lambda p: phrase_alternative(p, words)[0], phrase),
                )
                for index, phrase in enumerate(getattr(lexicon, section))
            ],
        )


def _checked_together(
    entry: str, items: list[tuple[str, str, partial[str]]]
) -> Iterator[tuple[str, str, str]]:
    """Translate each item, then compile them all at once; one by one only if that fails."""
    sources: list[tuple[str, str, str]] = []
    for field, what, translate in items:
        try:
            sources.append((field, what, translate()))
        except PatternError as exc:
            yield entry, field, str(exc)
    if group_fails([source for _, _, source in sources]):
        for field, what, source in sources:
            yield from _try(entry, field, partial(checked, source, what))


def _try(entry: str, field: str, check: Callable[[], object]) -> Iterator[tuple[str, str, str]]:
    """Run one check, yielding a problem tuple instead of raising."""
    try:
        check()
    except PatternError as exc:
        yield entry, field, str(exc)
