"""Crisis-language lexicons, content/risk/<language>.yaml: models, pattern language, loading.

Patterns are matched against *normalised* text (see ``bot.risk.normalise``): lower case, no accents,
no apostrophes ("don't" -> "dont"), words of a-z/0-9 separated by single spaces. The phrase language:

    word       a literal word. Each run of one letter matches one or more of that letter, so "kill"
               also matches "kil" and "kiill", and "too" matches "to" (repeated-letter robustness).
    word*      a word prefix: "kill*" matches kill, kills, killed, killing.
    wor[dk]    a letter class inside a word: "cansad[oa]" matches cansado and cansada.
    (a b|c d)  alternatives; each alternative is itself a phrase.
    x?         the preceding word, group or <list> is optional.
    {n,m} {n}  a gap of n to m (or exactly n) arbitrary words.
    <name>     any entry of the lexicon's ``words:`` lists (entries are phrases, may use other lists).

A rule may also carry ``regex:`` entries: Python regular expressions tried at the start of each word of
the normalised text. They must not use capturing groups (use ``(?:...)``).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator, Mapping, Sequence
from functools import partial
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, StringConstraints, model_validator

from bot.catalog._base import ContentError, ContentProblem, StrictModel, collect, load_yaml_model

FOLDER = "risk"

RuleId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_.-]{0,63}$")]
Phrase = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=400)]
Word = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+$")]
ListName = Annotated[str, StringConstraints(pattern=r"^[a-z_][a-z0-9_]*$")]
SeverityName = Literal["imminent", "high", "concern"]

# A word nobody types: a pattern or regex matching it (or the empty text) would match everything.
_PROBE = "qzxjv "


class PatternError(ValueError):
    """A phrase pattern or regex that cannot be compiled."""


class RiskRule(StrictModel):
    """One kind of risk statement, with the phrases that express it."""

    id: RuleId
    severity: SeverityName
    patterns: list[Phrase] = Field(default_factory=list)
    regex: list[Phrase] = Field(default_factory=list)
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
        seen: set[str] = set()
        for rule in self.rules:
            if rule.id in seen:
                raise ValueError(f"duplicate rule id {rule.id!r}")
            seen.add(rule.id)
        return self


# --- phrase pattern -> regex -------------------------------------------------------------------

_TOKEN = re.compile(
    r"\s*(?:(?P<word>(?:[a-z0-9]|\[[a-z0-9]+\])+\*?)|(?P<gap>\{\d+(?:,\d+)?\})|(?P<list><[a-z_][a-z0-9_]*>)"
    r"|(?P<op>[()|?]))"
)


def _tokenise(phrase: str) -> list[tuple[str, str]]:
    """Split a phrase into (kind, text) tokens, rejecting any character outside the language."""
    tokens: list[tuple[str, str]] = []
    position = 0
    phrase = phrase.rstrip()
    while position < len(phrase):
        match = _TOKEN.match(phrase, position)
        if match is None or match.lastgroup is None:
            bad = phrase[position:].lstrip()[:1]
            raise PatternError(
                f"unexpected character {bad!r} in {phrase!r} (use lower case, no accents)"
            )
        tokens.append((match.lastgroup, match.group(match.lastgroup)))
        position = match.end()
    return tokens


_WORD_UNIT = re.compile(r"\[[a-z0-9]+\]|[a-z0-9]")


def _word_regex(word: str) -> str:
    """Regex for one word: each run of a letter (or [class]) becomes `x+`; `*` any ending."""
    star = word.endswith("*")
    units = _WORD_UNIT.findall(word.rstrip("*"))
    body = "".join(unit + "+" for unit, _ in itertools.groupby(units))
    return body + ("[a-z0-9]*" if star else "") + " "


class _Parser:
    """Recursive-descent translator from one phrase to a regex source string."""

    def __init__(self, phrase: str, words: Mapping[str, Sequence[str]], stack: tuple[str, ...]):
        self.tokens = _tokenise(phrase)
        self.words = words
        self.stack = stack
        self.index = 0
        self.phrase = phrase

    def parse(self) -> str:
        """Translate the whole phrase."""
        source = self._sequence()
        if self.index != len(self.tokens):
            raise PatternError(f"unbalanced ')' or '|' in {self.phrase!r}")
        return source

    def _peek(self) -> str | None:
        """The text of the next token, if any."""
        return self.tokens[self.index][1] if self.index < len(self.tokens) else None

    def _sequence(self) -> str:
        """A run of atoms, each optionally followed by '?'."""
        parts: list[str] = []
        while self._peek() not in (None, ")", "|"):
            atom = self._atom()
            if self._peek() == "?":
                atom = f"(?:{atom})?"
                self.index += 1
            parts.append(atom)
        if not parts:
            raise PatternError(f"empty phrase or alternative in {self.phrase!r}")
        return "".join(parts)

    def _atom(self) -> str:
        """One word, gap, <list> or parenthesised group."""
        kind, text = self.tokens[self.index]
        self.index += 1
        if kind == "word":
            return _word_regex(text)
        if kind == "gap":
            low, _, high = text[1:-1].partition(",")
            if high and int(high) < int(low):
                raise PatternError(f"gap {text} has max < min in {self.phrase!r}")
            return f"(?:[^ ]+ ){{{low},{high or low}}}"
        if kind == "list":
            return self._list(text[1:-1])
        if text == "(":
            alternatives = [self._sequence()]
            while self._peek() == "|":
                self.index += 1
                alternatives.append(self._sequence())
            if self._peek() != ")":
                raise PatternError(f"unclosed '(' in {self.phrase!r}")
            self.index += 1
            return "(?:" + "|".join(alternatives) + ")"
        raise PatternError(f"unexpected {text!r} in {self.phrase!r}")

    def _list(self, name: str) -> str:
        """Alternatives from the lexicon's `words:` section."""
        if name not in self.words:
            raise PatternError(f"unknown list <{name}> in {self.phrase!r}")
        if name in self.stack:
            raise PatternError(f"list <{name}> refers to itself")
        stack = (*self.stack, name)
        entries = [_Parser(entry, self.words, stack).parse() for entry in self.words[name]]
        return "(?:" + "|".join(entries) + ")"


def _checked(source: str, what: str) -> str:
    """Compile a regex source, rejecting capturing groups and anything matching every text."""
    try:
        compiled = re.compile(source)
    except re.error as exc:
        raise PatternError(f"{what} does not compile: {exc}") from None
    if compiled.groups:
        raise PatternError(f"{what} uses a capturing group; write (?:...) instead")
    if compiled.fullmatch("") or compiled.match(_PROBE):
        raise PatternError(f"{what} is too broad: it matches any text")
    return source


def phrase_regex(phrase: str, words: Mapping[str, Sequence[str]]) -> str:
    """Regex source (no anchors) for one phrase pattern; raises PatternError."""
    return _checked(_Parser(phrase, words, ()).parse(), f"pattern {phrase!r}")


def raw_regex(source: str) -> str:
    """A rule's raw regex, validated; raises PatternError."""
    return _checked(source, f"regex {source!r}")


def rule_regex(rule: RiskRule, words: Mapping[str, Sequence[str]]) -> str:
    """One alternation of every pattern and regex of a rule."""
    sources = [phrase_regex(p, words) for p in rule.patterns] + [raw_regex(r) for r in rule.regex]
    return "|".join(f"(?:{source})" for source in sources)


def phrases_regex(phrases: Sequence[str], words: Mapping[str, Sequence[str]]) -> str | None:
    """One alternation of phrase patterns (exclusions, pseudo-negations), or None if empty."""
    if not phrases:
        return None
    return "|".join(f"(?:{phrase_regex(p, words)})" for p in phrases)


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
    try:
        relative = str(path.relative_to(root))
    except ValueError:
        relative = str(path)
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
    for name, entries in lexicon.words.items():
        for index, entry in enumerate(entries):
            yield from _try(f"words > {name}", str(index), partial(_parse_only, entry, lexicon))
    for rule in lexicon.rules:
        for index, phrase in enumerate(rule.patterns):
            check = partial(phrase_regex, phrase, lexicon.words)
            yield from _try(f"rule {rule.id}", f"patterns > {index}", check)
        for index, source in enumerate(rule.regex):
            yield from _try(f"rule {rule.id}", f"regex > {index}", partial(raw_regex, source))
    for section in ("exclusions", "pseudo_negations"):
        for index, phrase in enumerate(getattr(lexicon, section)):
            check = partial(phrase_regex, phrase, lexicon.words)
            yield from _try(section, str(index), check)


def _parse_only(entry: str, lexicon: RiskLexicon) -> str:
    """Translate a `words:` entry without the breadth check (entries may be short words)."""
    return _Parser(entry, lexicon.words, ()).parse()


def _try(entry: str, field: str, check: partial[str]) -> Iterator[tuple[str, str, str]]:
    """Run one compile check, yielding a problem tuple instead of raising."""
    try:
        check()
    except PatternError as exc:
        yield entry, field, str(exc)
