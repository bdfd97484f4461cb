"""Crisis-language lexicons, content/risk/<language>.yaml: models, pattern language, loading.

Patterns match *normalised* text (``bot.risk.normalise``: lower case, no accents or apostrophes,
words of a-z/0-9 separated by single spaces) in which every run of one repeated letter is also
reduced to a single letter, so "kiiill", "kill" and "kil" all read "kil", and "too" reads "to".
Pattern words are reduced the same way automatically. The phrase language:

    word       a literal word ("dont", "im", "myself").
    word*      a word prefix: "kill*" matches kill, kills, killed, killing.
    wor[dk]    a letter class inside a word: "cansad[oa]" matches cansado and cansada.
    (a b|c d)  alternatives; each alternative is itself a phrase.
    x?         the preceding word, group or <list> is optional.
    {n,m} {n}  a gap of n to m (or exactly n) arbitrary words.
    <name>     any entry of the lexicon's ``words:`` lists (entries are phrases, may use lists).

A rule may also carry ``regex:`` entries: Python regexes tried at the start of every word. They see
the same reduced text, so write repeated letters once ("tok" for "took"); no capturing groups.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Iterator, Mapping, Sequence
from functools import partial
from pathlib import Path
from typing import Annotated, Literal, NamedTuple

from pydantic import Field, StringConstraints, model_validator

from bot.catalog._base import ContentError, ContentProblem, StrictModel, collect, load_yaml_model

FOLDER = "risk"

RuleId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_.-]{0,63}$")]
Phrase = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=600)]
Regex = Annotated[str, StringConstraints(min_length=1, max_length=600)]
Word = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+$")]
ListName = Annotated[str, StringConstraints(pattern=r"^[a-z_][a-z0-9_]*$")]
SeverityName = Literal["imminent", "high", "concern"]

_LETTER_RUNS = re.compile(r"([a-z])\1+")
_FIRST_GROUP = operator.itemgetter(1)  # a C-level replacement: far faster than r"\1" templates
_PROBE = "qzxjv "  # a word nobody types: a pattern matching it (or "") would match everything


def collapse_runs(text: str) -> str:
    """Reduce every run of one repeated letter to a single letter ("kiiill" -> "kil")."""
    return _LETTER_RUNS.sub(_FIRST_GROUP, text)


class PatternError(ValueError):
    """A phrase pattern or regex that cannot be compiled."""


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


# --- phrase pattern -> regex -------------------------------------------------------------------

_TOKEN = re.compile(
    r"\s*(?:(?P<word>(?:[a-z0-9]|\[[a-z0-9]+\])+\*?)|(?P<gap>\{\d+(?:,\d+)?\})"
    r"|(?P<list><[a-z_][a-z0-9_]*>)|(?P<op>[()|?]))"
)
_WORD_UNIT = re.compile(r"\[[a-z0-9]+\]|[a-z0-9]")


class Head(NamedTuple):
    """One way a pattern can start, used to factor many patterns into one fast regex."""

    first: str  # regex of the first character ("" when the pattern may start with any word)
    tail: str  # regex for the rest of the first word, including its trailing space
    rest: str  # regex for everything after the first word


class _Node(NamedTuple):
    """A translated piece of a phrase: regex source, whether it can be empty, how it starts."""

    source: str
    nullable: bool
    heads: tuple[Head, ...]


def _word(word: str) -> _Node:
    """One word, repeated letters reduced; `[xy]` a class, a trailing `*` any word ending."""
    units: list[str] = []
    for unit in _WORD_UNIT.findall(word.rstrip("*")):
        if not (units and unit == units[-1] and not unit.isdigit()):  # digits are not reduced
            units.append(unit)
    tail = "".join(units[1:]) + ("[a-z0-9]*" if word.endswith("*") else "") + " "
    return _Node(units[0] + tail, False, (Head(units[0], tail, ""),))


def _concat(nodes: Sequence[_Node]) -> _Node:
    """Nodes one after the other; a match starts in the first node that cannot be empty."""
    heads: list[Head] = []
    for index, node in enumerate(nodes):
        after = "".join(later.source for later in nodes[index + 1 :])
        heads += [head._replace(rest=head.rest + after) for head in node.heads]
        if not node.nullable:
            break
    source = "".join(node.source for node in nodes)
    return _Node(source, all(node.nullable for node in nodes), tuple(heads))


def _either(nodes: Sequence[_Node]) -> _Node:
    """Any one of the nodes."""
    source = "(?:" + "|".join(node.source for node in nodes) + ")"
    heads = tuple(head for node in nodes for head in node.heads)
    return _Node(source, any(node.nullable for node in nodes), heads)


class _Parser:
    """Recursive-descent translator from one phrase to a regex."""

    def __init__(self, phrase: str, words: Mapping[str, Sequence[str]], stack: tuple[str, ...]):
        self.phrase = phrase
        self.words = words
        self.stack = stack
        self.index = 0
        self.tokens: list[tuple[str, str]] = []
        position, text = 0, phrase.rstrip()
        while position < len(text):
            match = _TOKEN.match(text, position)
            if match is None or match.lastgroup is None:
                bad = text[position:].lstrip()[:1]
                raise PatternError(f"unexpected {bad!r} in {phrase!r} (lower case, no accents)")
            self.tokens.append((match.lastgroup, match.group(match.lastgroup)))
            position = match.end()

    def parse(self) -> _Node:
        """Translate the whole phrase."""
        node = self._sequence()
        if self.index != len(self.tokens):
            raise PatternError(f"unbalanced ')' or '|' in {self.phrase!r}")
        return node

    def _peek(self) -> str | None:
        """The text of the next token, if any."""
        return self.tokens[self.index][1] if self.index < len(self.tokens) else None

    def _sequence(self) -> _Node:
        """A run of atoms, each optionally followed by '?'."""
        parts: list[_Node] = []
        while self._peek() not in (None, ")", "|"):
            atom = self._atom()
            if self._peek() == "?":
                atom = _Node(f"(?:{atom.source})?", True, atom.heads)
                self.index += 1
            parts.append(atom)
        if not parts:
            raise PatternError(f"empty phrase or alternative in {self.phrase!r}")
        return _concat(parts)

    def _atom(self) -> _Node:
        """One word, gap, <list> or parenthesised group."""
        kind, text = self.tokens[self.index]
        self.index += 1
        if kind == "word":
            return _word(text)
        if kind == "gap":
            low, _, high = text[1:-1].partition(",")
            if high and int(high) < int(low):
                raise PatternError(f"gap {text} has max < min in {self.phrase!r}")
            source = f"(?:[^ ]+ ){{{low},{high or low}}}"
            return _Node(source, int(low) == 0, (Head("", "", source),))
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
            return _either(alternatives)
        raise PatternError(f"unexpected {text!r} in {self.phrase!r}")

    def _list(self, name: str) -> _Node:
        """Alternatives from the lexicon's `words:` section."""
        if name not in self.words:
            raise PatternError(f"unknown list <{name}> in {self.phrase!r}")
        if name in self.stack:
            raise PatternError(f"list <{name}> refers to itself")
        stack = (*self.stack, name)
        return _either([_Parser(entry, self.words, stack).parse() for entry in self.words[name]])


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


def phrase_alternative(
    phrase: str, words: Mapping[str, Sequence[str]]
) -> tuple[str, tuple[Head, ...]]:
    """(regex source, the ways a match can start) for one phrase; raises PatternError."""
    node = _Parser(phrase, words, ()).parse()
    return _checked(node.source, f"pattern {phrase!r}"), node.heads


def raw_regex(source: str) -> str:
    """A rule's raw regex, validated; raises PatternError."""
    doubled = re.search(r"([a-z])\1", source)
    if doubled:
        raise PatternError(
            f"regex {source!r} has {doubled.group()!r}: text is matched with repeated letters "
            "reduced to one, so write it once"
        )
    return _checked(source, f"regex {source!r}")


def rule_alternatives(
    rule: RiskRule, words: Mapping[str, Sequence[str]]
) -> list[tuple[str, tuple[Head, ...]]]:
    """(source, heads) for every pattern and regex of a rule (a raw regex may start anywhere)."""
    phrases = [phrase_alternative(phrase, words) for phrase in rule.patterns]
    raw = [raw_regex(source) for source in rule.regex]
    return phrases + [(source, (Head("", "", source),)) for source in raw]


def phrases_regex(phrases: Sequence[str], words: Mapping[str, Sequence[str]]) -> str | None:
    """One alternation of phrase patterns (exclusions, pseudo-negations), or None if empty."""
    sources = [phrase_alternative(phrase, words)[0] for phrase in phrases]
    return "|".join(f"(?:{source})" for source in sources) if sources else None


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
    for name, entries in lexicon.words.items():
        for index, entry in enumerate(entries):
            check = partial(_parse_entry, entry, lexicon.words)
            yield from _try(f"words > {name}", str(index), check)
    for rule in lexicon.rules:
        for index, phrase in enumerate(rule.patterns):
            check = partial(phrase_alternative, phrase, lexicon.words)
            yield from _try(f"rule {rule.id}", f"patterns > {index}", check)
        for index, source in enumerate(rule.regex):
            yield from _try(f"rule {rule.id}", f"regex > {index}", partial(raw_regex, source))
    for section in ("exclusions", "pseudo_negations"):
        for index, phrase in enumerate(getattr(lexicon, section)):
            check = partial(phrase_alternative, phrase, lexicon.words)
            yield from _try(section, str(index), check)


def _parse_entry(entry: str, words: Mapping[str, Sequence[str]]) -> _Node:
    """Translate a `words:` entry (no breadth check: entries may be short, common words)."""
    return _Parser(entry, words, ()).parse()


def _try(entry: str, field: str, check: partial[object]) -> Iterator[tuple[str, str, str]]:
    """Run one compile check, yielding a problem tuple instead of raising."""
    try:
        check()
    except PatternError as exc:
        yield entry, field, str(exc)
