"""The lexicons' phrase language, translated to regexes (used by loading and by the screen).

Patterns match *normalised* text (``bot.screen.risk.normalise``: lower case, no accents or apostrophes,
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

import functools
import operator
import re
from collections.abc import Mapping, Sequence
from typing import NamedTuple

_LETTER_RUNS = re.compile(r"([a-z])\1+")
_FIRST_GROUP = operator.itemgetter(1)  # a C-level replacement: far faster than r"\1" templates
_PROBE = "qzxjv "  # a word nobody types: a pattern matching it (or "") would match everything


def collapse_runs(text: str) -> str:
    """Reduce every run of one repeated letter to a single letter ("kiiill" -> "kil")."""
    return _LETTER_RUNS.sub(_FIRST_GROUP, text)


class PatternError(ValueError):
    """A phrase pattern or regex that cannot be compiled."""


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


class Words:
    """A lexicon's `words:` lists, hashable (once) so that translations can be cached."""

    def __init__(self, words: Mapping[str, Sequence[str]]) -> None:
        self.lists = words
        self.key = tuple((name, tuple(entries)) for name, entries in words.items())
        self.hash = hash(self.key)

    def __hash__(self) -> int:
        return self.hash

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Words) and self.key == other.key


@functools.lru_cache(maxsize=8192)
def translated(phrase: str, words: Words, stack: tuple[str, ...] = ()) -> _Node:
    """A phrase translated once per process: lists are shared by many phrases, and loading
    validates what the screen then compiles (errors are raised again, never cached)."""
    return _Parser(phrase, words, stack).parse()


class _Parser:
    """Recursive-descent translator from one phrase to a regex."""

    def __init__(self, phrase: str, words: Words, stack: tuple[str, ...]):
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
        if name not in self.words.lists:
            raise PatternError(f"unknown list <{name}> in {self.phrase!r}")
        if name in self.stack:
            raise PatternError(f"list <{name}> refers to itself")
        stack = (*self.stack, name)
        return _either([translated(entry, self.words, stack) for entry in self.words.lists[name]])


def checked(source: str, what: str) -> None:
    """Compile one regex source, rejecting capturing groups and anything matching every text."""
    try:
        compiled = re.compile(source)
    except re.error as exc:
        raise PatternError(f"{what} does not compile: {exc}") from None
    if compiled.groups:
        raise PatternError(f"{what} uses a capturing group; write (?:...) instead")
    if compiled.fullmatch("") or compiled.match(_PROBE):
        raise PatternError(f"{what} is too broad: it matches any text")


def anchored(sources: Sequence[str]) -> re.Pattern[str]:
    """Alternatives as one regex that matches only at the start of a word (every word of the
    screened text follows a space). `re` caches it, so loading and the screen compile it once."""
    return re.compile("(?<= )(?:" + "|".join(f"(?:{source})" for source in sources) + ")")


def group_fails(sources: Sequence[str]) -> bool:
    """Whether alternatives fail the checks of `checked` together (one compile instead of one
    each: the caller then checks them one by one, to name the culprit)."""
    try:
        compiled = anchored(sources)
    except re.error:
        return True
    return bool(compiled.groups or compiled.fullmatch(" ", 1) or compiled.match(" " + _PROBE, 1))


@functools.lru_cache(maxsize=4096)
def phrase_alternative(phrase: str, words: Words) -> tuple[str, tuple[Head, ...]]:
    """(regex source, the ways a match can start) for one phrase (unchecked); PatternError."""
    node = translated(phrase, words)
    return node.source, node.heads


def raw_regex(source: str) -> str:
    """A rule's raw regex with its letters checked (compiled by `checked`); PatternError."""
    doubled = re.search(r"([a-z])\1", source)
    if doubled:
        raise PatternError(
            f"regex {source!r} has {doubled.group()!r}: text is matched with repeated letters "
            "reduced to one, so write it once"
        )
    return source


def rule_alternatives(
    rule_id: str,
    patterns: Sequence[str],
    regexes: Sequence[str],
    words: Mapping[str, Sequence[str]],
) -> list[tuple[str, tuple[Head, ...]]]:
    """(source, heads) for every pattern and regex of a rule (a raw regex may start anywhere),
    checked; raises PatternError."""
    hashable = Words(words)
    phrases = [phrase_alternative(phrase, hashable) for phrase in patterns]
    raw = [raw_regex(source) for source in regexes]
    alternatives = phrases + [(source, (Head("", "", source),)) for source in raw]
    if group_fails([source for source, _ in alternatives]):
        for source, _ in alternatives:
            checked(source, f"rule {rule_id}")
    return alternatives


def phrases_sources(phrases: Sequence[str], words: Mapping[str, Sequence[str]]) -> list[str]:
    """Checked sources of phrase patterns (exclusions, pseudo-negations); PatternError."""
    hashable = Words(words)
    sources = [phrase_alternative(phrase, hashable)[0] for phrase in phrases]
    if group_fails(sources):
        for phrase, source in zip(phrases, sources, strict=True):
            checked(source, f"pattern {phrase!r}")
    return sources
