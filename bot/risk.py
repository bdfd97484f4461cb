"""Crisis-language screening of free text (pure logic: no Telegram, no I/O, never logs text).

Pipeline for one message:

1. ``normalise``: drop apostrophes ("don't" -> "dont"), case-fold, NFKD and strip combining marks
   ("está" -> "esta"), turn everything that is not a-z/0-9 (emoji, punctuation) into spaces, and
   shorten runs of 3+ identical letters to 2 ("sooo" -> "soo", "kiiill" -> "kiill"). Patterns
   match any run length of each letter, so doubled and single letters ("kil") match too.
2. For every language lexicon (all of them, whatever the member's language):
   a. a cheap search of one combined regex; most messages stop here;
   b. idiom exclusions ("killing it", "this exam is killing me", "me muero de risa") are blanked out;
   c. every rule matching at every word position is collected, with the negation rule below;
   d. the highest severity wins (ties: the first rule in the file).
3. The highest result over all languages is returned; it names the rule and language, never the text.

Negation rule (errs on the side of safety):
    A match is *negated* when one of the lexicon's ``negations`` ("not", "never", "dont", "no", ...)
    occurs among the ``negation_window`` words (default 3) just before the match, with no
    ``negation_breakers`` word (a new clause: "i", "im", "but", "and", "pero", "y", ...) between
    them. Phrases listed as ``pseudo_negations`` ("not sure", "no joke", "no se si") do not negate.
    A negated match is lowered to CONCERN, never dropped: "I'm not going to kill myself" is still
    worth a gentle check-in. Negation inside the phrase itself is part of the pattern and is not a
    negation: "I don't want to live anymore" matches a HIGH pattern that includes "dont". Rules with
    ``negatable: false`` (acts in progress, statements already phrased negatively) keep their
    severity whatever precedes them. Punctuation is not a clause boundary (it is gone after
    normalising), so a scope is at most ``negation_window`` words.
"""

from __future__ import annotations

import enum
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

from bot.catalog.risk import RiskLexicon, phrases_regex, rule_regex


class Severity(enum.IntEnum):
    """How urgently a message needs a human: higher is more urgent."""

    CONCERN = 1
    HIGH = 2
    IMMINENT = 3


@dataclass(frozen=True)
class RiskResult:
    """What the screen found: never carries the message text."""

    severity: Severity
    rule_id: str
    language: str


_SEVERITIES = {"concern": Severity.CONCERN, "high": Severity.HIGH, "imminent": Severity.IMMINENT}
_APOSTROPHES = re.compile("['\u2018\u2019\u201b`\u00b4\u02b9\u02bb\u02bc\u02bd\u2032\uff07]")
_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_NON_WORD = re.compile("[^a-z0-9]+")
_LONG_RUNS = re.compile(r"([a-z])\1{2,}")
_WORD_START = "(?<= )"  # every normalised word is preceded by a space in the padded text
_BLANK = "_ "  # what an excluded idiom becomes: a word no pattern word can match
_CHARS_PER_WORD = 40  # how far back to look for the negation window


def normalise(text: str) -> str:
    """Lower-case, accent-free, apostrophe-free, punctuation-free text with long letter runs cut."""
    text = _APOSTROPHES.sub("", text).casefold()
    if not text.isascii():
        text = _COMBINING.sub("", unicodedata.normalize("NFKD", text))
    text = _NON_WORD.sub(" ", text)
    return _LONG_RUNS.sub(r"\1\1", text).strip()


@dataclass(frozen=True)
class _Rule:
    """A compiled rule."""

    rule_id: str
    severity: Severity
    negatable: bool
    regex: re.Pattern[str]


@dataclass(frozen=True)
class _Language:
    """A compiled lexicon."""

    code: str
    any_rule: re.Pattern[str]
    rules: tuple[_Rule, ...]
    exclusions: re.Pattern[str] | None
    pseudo_negations: re.Pattern[str] | None
    negations: frozenset[str]
    breakers: frozenset[str]
    window: int


def _compile_language(code: str, lexicon: RiskLexicon) -> _Language:
    """Compile every pattern of one lexicon once."""
    words = lexicon.words
    sources = [rule_regex(rule, words) for rule in lexicon.rules]
    rules = tuple(
        _Rule(rule.id, _SEVERITIES[rule.severity], rule.negatable, _anchored(source))
        for rule, source in zip(lexicon.rules, sources, strict=True)
    )
    any_rule = _anchored("|".join(f"(?:{source})" for source in sources))
    return _Language(
        code=code,
        any_rule=any_rule,
        rules=rules,
        exclusions=_optional(phrases_regex(lexicon.exclusions, words)),
        pseudo_negations=_optional(phrases_regex(lexicon.pseudo_negations, words)),
        negations=frozenset(lexicon.negations),
        breakers=frozenset(lexicon.negation_breakers),
        window=lexicon.negation_window,
    )


def _anchored(source: str) -> re.Pattern[str]:
    """Compile a regex source so that it only matches from the start of a word."""
    return re.compile(f"{_WORD_START}(?:{source})")


def _optional(source: str | None) -> re.Pattern[str] | None:
    """Compile an anchored alternation, if there is one."""
    return _anchored(source) if source else None


class RiskScreen:
    """Screens messages against every language's lexicon; build once, share everywhere."""

    def __init__(self, languages: tuple[_Language, ...]) -> None:
        self._languages = languages

    @classmethod
    def from_lexicons(cls, lexicons: Mapping[str, RiskLexicon]) -> RiskScreen:
        """Compile the lexicons (keyed by language code) into a screen."""
        return cls(tuple(_compile_language(code, lex) for code, lex in sorted(lexicons.items())))

    @property
    def rule_ids(self) -> frozenset[str]:
        """Every rule id the screen can return."""
        return frozenset(rule.rule_id for lang in self._languages for rule in lang.rules)

    def screen(self, text: str) -> RiskResult | None:
        """The most severe risk found in ``text`` across all languages, or None."""
        padded = f" {normalise(text)} "
        best: RiskResult | None = None
        for language in self._languages:
            found = _screen_language(language, padded)
            if found is not None and (best is None or found[0] > best.severity):
                best = RiskResult(found[0], found[1], language.code)
                if best.severity is Severity.IMMINENT:
                    break
        return best


def _screen_language(language: _Language, padded: str) -> tuple[Severity, str] | None:
    """Highest (severity, rule id) for one language, or None."""
    if language.any_rule.search(padded) is None:
        return None  # the common case: one regex scan and done
    text = language.exclusions.sub(_BLANK, padded) if language.exclusions else padded
    best: tuple[Severity, str] | None = None
    position = 0
    while (match := language.any_rule.search(text, position)) is not None:
        start = match.start()
        for rule in language.rules:  # every rule matching here, not only the first alternative
            if rule.regex.match(text, start) is None:
                continue
            severity = rule.severity
            if rule.negatable and severity > Severity.CONCERN and _negated(language, text, start):
                severity = Severity.CONCERN
            if best is None or severity > best[0]:
                best = (severity, rule.rule_id)
        if best is not None and best[0] is Severity.IMMINENT:
            break
        position = start + 1
    return best


def _negated(language: _Language, text: str, start: int) -> bool:
    """Whether a negation word governs the match starting at ``start`` (see module docstring)."""
    if language.window == 0:
        return False
    before = text[max(0, start - _CHARS_PER_WORD * (language.window + 2)) : start]
    if language.pseudo_negations is not None:
        before = language.pseudo_negations.sub(_BLANK, " " + before)
    for word in reversed(before.split()[-language.window :]):
        if word in language.breakers:
            return False
        if word in language.negations:
            return True
    return False
