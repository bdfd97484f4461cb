"""The crisis-language lexicon: the transparent, auditable floor of the screen (pure, never logs text).

Pipeline for one message:

1. ``normalise``: drop apostrophes ("don't" -> "dont"), NFKD and strip combining marks ("está"
   -> "esta"), case-fold, turn everything that is not a-z/0-9 (emoji, punctuation) into spaces, and
   shorten runs of 3+ identical letters to 2 ("sooo" -> "soo", "kiiill" -> "kiill"). For
   matching, every run is then reduced to one letter, like the patterns ("kill", "kil" -> "kil").
2. For every language lexicon (all of them, whatever the member's language):
   a. a cheap search of one combined regex; most messages stop here;
   b. idiom exclusions ("killing it", "this exam is killing me", "me muero de risa") are blanked;
   c. every rule matching at every word position is collected, with the negation rule below;
   d. the highest severity wins (ties: the earliest match in the message).
3. The highest result over all languages is returned: it names rule and language, never the text.

Negation rule (errs on the side of safety):
    A match is *negated* when one of the lexicon's ``negations`` ("not", "never", "dont", "no", ...)
    occurs among the ``negation_window`` words (default 3) just before the match, with no
    ``negation_breakers`` word (a new clause: "i", "im", "but", "and", "pero", "y", ...) between
    them. Phrases listed as ``pseudo_negations`` ("not sure", "no joke", "no se si") do not negate.
    A negated match is lowered to CONCERN, never dropped: "I'm not going to kill myself" is still
    worth a gentle check-in. Negation inside the phrase itself is part of the pattern and is not a
    negation: "I don't want to live anymore" matches a HIGH pattern that includes "dont". Rules with
    ``negatable: false`` (acts in progress) keep their severity whatever precedes them.
    Sentence punctuation (. , ; : ! ? ...) and emoji also end a clause, so in "not ok, want to
    die" nothing is negated. Patterns themselves still match across punctuation ("want to... die").
"""

from __future__ import annotations

import bisect
import operator
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

from bot.catalog.risk import RiskLexicon
from bot.catalog.risk_patterns import collapse_runs
from bot.screen.risk_lexicon_build import (
    CompiledLanguage,
    compiled,
    hold_refinement,
    release_refinement,
)
from bot.screen.risk_types import Severity

# hold_refinement and release_refinement belong to compiling; the bot's start-up reaches them here.
__all__ = [
    "LexiconHit",
    "LexiconScreen",
    "hold_refinement",
    "normalise",
    "release_refinement",
]


@dataclass(frozen=True)
class LexiconHit:
    """A lexicon rule that matched: never carries the message text."""

    severity: Severity
    rule_id: str
    language: str


_APOSTROPHES = re.compile("['\u2018\u2019\u201b`\u00b4\u02b9\u02bb\u02bc\u02bd\u2032\uff07]")
_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_ASCII_NON_WORD = str.maketrans({chr(c): " " for c in range(128) if not chr(c).isalnum()})
_NON_WORD_OR_BAR = re.compile("[^a-z0-9|]+")
# Clause punctuation and emoji; "|" is included so that a typed "|" cannot pose as a marker.
_CLAUSE_END = re.compile("[.,;:!?|\n\u2026\u2014\u2013\u2600-\u27bf\U0001f000-\U0001faff]+")
_LONG_RUNS = re.compile(r"(([a-z])\2)\2+")  # 3+ of a letter: keep the first two
_FIRST_GROUP = operator.itemgetter(1)  # a C-level replacement: far faster than r"\1" templates
_NOT_SPACE = re.compile("[^ ]")  # blanking keeps lengths, so clause offsets stay valid
_CHARS_PER_WORD = 40  # how far back to look for the negation window


def normalise(text: str) -> str:
    """Lower-case, accent-free, apostrophe-free, punctuation-free text with long letter runs cut."""
    return _LONG_RUNS.sub(_FIRST_GROUP, _words(_fold(text)))


def _words(folded: str) -> str:
    """Words of a-z/0-9 joined by single spaces (translate + split: much faster than a regex)."""
    if not folded.isascii():  # whatever is left outside ASCII (emoji, other scripts) is noise
        folded = folded.encode("ascii", "replace").decode("ascii")
    return " ".join(folded.translate(_ASCII_NON_WORD).split())


def _fold(text: str) -> str:
    """Drop apostrophes, case-fold, decompose and strip combining marks (punctuation kept)."""
    text = _APOSTROPHES.sub("", text)
    if not text.isascii():  # NFKD first: compatibility forms ("𝕊", "Ｓ") may decompose to capitals
        text = _COMBINING.sub("", unicodedata.normalize("NFKD", text))
    return text.casefold()


def _clause_starts(text: str) -> list[int]:
    """Offsets in the padded normalised text at which a clause starts after punctuation/emoji."""
    marked = _NON_WORD_OR_BAR.sub(" ", _CLAUSE_END.sub(" | ", _fold(text)))
    starts: list[int] = []
    offset = 1  # the padded text starts with a space
    for token in collapse_runs(marked).split():
        if token == "|":
            if not starts or starts[-1] != offset:
                starts.append(offset)
        else:
            offset += len(token) + 1
    return starts


class LexiconScreen:
    """Screens messages against every language's lexicon; build once, share everywhere."""

    def __init__(self, languages: tuple[CompiledLanguage, ...]) -> None:
        self._languages = languages

    @classmethod
    def from_lexicons(cls, lexicons: Mapping[str, RiskLexicon]) -> LexiconScreen:
        """Compile lexicons keyed by language code (PatternError if one was never validated)."""
        return cls(tuple(compiled(code, lex) for code, lex in sorted(lexicons.items())))

    @property
    def rule_ids(self) -> frozenset[str]:
        """Every rule id the screen can return."""
        return frozenset(rule.rule_id for lang in self._languages for rule in lang.rules)

    def screen(self, text: str) -> LexiconHit | None:
        """The most severe rule matching ``text`` across all languages, or None."""
        message = _Message(text)
        best: LexiconHit | None = None
        for language in self._languages:
            found = _screen_language(language, message)
            if found is not None and (best is None or found[0] > best.severity):
                best = LexiconHit(found[0], found[1], language.code)
                if best.severity is Severity.IMMINENT:
                    break
        return best


class _Message:
    """One message being screened: its padded normalised text, clause starts computed lazily."""

    def __init__(self, text: str) -> None:
        self.original = text
        self.padded = f" {collapse_runs(_words(_fold(text)))} "  # = collapsed normalise(text)
        self._clause_starts: list[int] | None = None

    def clause_start(self, position: int) -> int:
        """Offset where the clause containing ``position`` starts (0 for the first clause)."""
        if self._clause_starts is None:
            self._clause_starts = _clause_starts(self.original)
        index = bisect.bisect_right(self._clause_starts, position) - 1
        return self._clause_starts[index] if index >= 0 else 0


def _blank(match: re.Match[str]) -> str:
    """Replace an excluded idiom by same-length filler words no pattern word can match."""
    return _NOT_SPACE.sub("_", match.group())


def _screen_language(language: CompiledLanguage, message: _Message) -> tuple[Severity, str] | None:
    """Highest (severity, rule id) for one language, or None."""
    padded = message.padded
    dispatch = language.any_rule.regex  # read once: the exact one may arrive meanwhile
    if dispatch.search(padded) is None:
        return None  # the common case: one regex scan and done
    text = language.exclusions.sub(_blank, padded) if language.exclusions else padded
    best: tuple[Severity, str] | None = None
    position = 0
    while (match := dispatch.search(text, position)) is not None:
        start = match.start() + 1  # the combined regex matches the space before the word
        for rule in language.rules:  # every rule matching here, not only the first alternative
            if rule.regex.match(text, start) is None:
                continue
            severity = rule.severity
            negatable = rule.negatable and severity > Severity.CONCERN
            if negatable and _negated(language, text, start, message.clause_start(start)):
                severity = Severity.CONCERN
            if best is None or severity > best[0]:
                best = (severity, rule.rule_id)
        if best is not None and best[0] is Severity.IMMINENT:
            break
        position = start + 1
    return best


def _negated(language: CompiledLanguage, text: str, start: int, clause_start: int) -> bool:
    """Whether a negation word governs the match starting at ``start`` (see module docstring)."""
    if language.window == 0:
        return False
    lowest = max(clause_start, start - _CHARS_PER_WORD * (language.window + 2))
    before = text[lowest:start]
    if language.pseudo_negations is not None:
        before = language.pseudo_negations.sub(_blank, " " + before)
    for word in reversed(before.split()[-language.window :]):
        if word in language.breakers:
            return False
        if word in language.negations:
            return True
    return False
