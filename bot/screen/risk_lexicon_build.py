"""Compiling a crisis-language lexicon: its rules, the regex that finds each word where some rule
may match (coarse at once, exact on a background thread), and a small cache of compilations.

Matching a message against the compiled rules is `bot/screen/risk_lexicon.py`.
"""

from __future__ import annotations

import contextlib
import re
import threading
from dataclasses import dataclass

from bot.catalog.risk import RiskLexicon
from bot.catalog.risk_patterns import (
    Head,
    anchored,
    collapse_runs,
    phrases_sources,
    rule_alternatives,
)
from bot.screen.risk_types import Severity

_SEVERITIES = {"concern": Severity.CONCERN, "high": Severity.HIGH, "imminent": Severity.IMMINENT}


@dataclass(frozen=True)
class CompiledRule:
    """A compiled rule."""

    rule_id: str
    severity: Severity
    negatable: bool
    regex: re.Pattern[str]


class Dispatch:
    """The regex that finds each word where some rule may match: a coarse one now, the exact one soon.

    The coarse regex knows only each pattern's first word, so it stops at more words, where the
    rules then find nothing; the exact one (the whole of every pattern, factored like a trie)
    lets ordinary messages through in one scan, but takes about four times as long to compile
    as everything else in the lexicon. Both stop at every word where a rule matches, so the
    screen's result is the same with either: the exact one is compiled on a background thread
    and replaces the coarse one when ready, and a message is never screened without every rule.
    """

    def __init__(self, alternatives: list[tuple[str, tuple[Head, ...]]]) -> None:
        self.regex = dispatching(alternatives, exact=False)
        self.ready = threading.Event()
        threading.Thread(
            target=self._refine, args=(alternatives,), name="lexicon-dispatch", daemon=True
        ).start()

    def _refine(self, alternatives: list[tuple[str, tuple[Head, ...]]]) -> None:
        """Swap in the exact regex (one attribute assignment: readers see one or the other)."""
        _REFINING.wait()
        try:
            self.regex = dispatching(alternatives, exact=True)
            _return_free_memory()
        finally:
            self.ready.set()


def _return_free_memory() -> None:
    """Hand the compiler's freed scratch memory back to the system: glibc keeps what a thread
    freed in that thread's own arena (about 5 MiB here). Elsewhere this does nothing."""
    import ctypes  # only here: nothing else needs it

    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


# Set unless the bot is starting: the exact regexes then wait, so as not to share the one core
# Python code runs on with the start-up (see hold_refinement).
_REFINING = threading.Event()
_REFINING.set()


def hold_refinement() -> None:
    """Compile no exact dispatch regex until `release_refinement` (the bot's start-up)."""
    _REFINING.clear()


def release_refinement() -> None:
    """Let the exact dispatch regexes compile, in the background."""
    _REFINING.set()


@dataclass(frozen=True)
class CompiledLanguage:
    """A compiled lexicon."""

    code: str
    any_rule: Dispatch
    rules: tuple[CompiledRule, ...]
    exclusions: re.Pattern[str] | None
    pseudo_negations: re.Pattern[str] | None
    negations: frozenset[str]
    breakers: frozenset[str]
    window: int


_CACHE: dict[tuple[str, str], CompiledLanguage] = {}
_CACHE_SIZE = 8


def compiled(code: str, lexicon: RiskLexicon) -> CompiledLanguage:
    """Compile a lexicon, reusing an earlier compilation of identical content (takes ~1 s)."""
    key = (code, lexicon.model_dump_json())
    if key not in _CACHE:
        if len(_CACHE) >= _CACHE_SIZE:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[key] = _compile_language(code, lexicon)
    return _CACHE[key]


def _compile_language(code: str, lexicon: RiskLexicon) -> CompiledLanguage:
    """Compile every pattern of one lexicon once."""
    words = lexicon.words
    alternatives = [
        rule_alternatives(rule.id, rule.patterns, rule.regex, words) for rule in lexicon.rules
    ]
    rules = tuple(
        CompiledRule(
            rule.id,
            _SEVERITIES[rule.severity],
            rule.negatable,
            anchored([source for source, _ in alts]),
        )
        for rule, alts in zip(lexicon.rules, alternatives, strict=True)
    )
    return CompiledLanguage(
        code=code,
        any_rule=Dispatch([alt for alts in alternatives for alt in alts]),
        rules=rules,
        exclusions=_optional(phrases_sources(lexicon.exclusions, words)),
        pseudo_negations=_optional(phrases_sources(lexicon.pseudo_negations, words)),
        negations=frozenset(map(collapse_runs, lexicon.negations)),
        breakers=frozenset(map(collapse_runs, lexicon.negation_breakers)),
        window=lexicon.negation_window,
    )


def dispatching(alternatives: list[tuple[str, tuple[Head, ...]]], exact: bool) -> re.Pattern[str]:
    """One regex matching " " + a word where any alternative matches, factored like a trie.

    Python's `re` tries every branch of an alternation at every word, but skips a branch at once
    when its first character is a literal that does not match. So branches are grouped by first
    character, then by first word; a word that starts no pattern costs a few steps, not hundreds.
    Not ``exact``: only the first word of each phrase (and all of a raw regex) is checked.
    """
    by_first: dict[str, dict[str, list[str]]] = {}
    anywhere: list[str] = []
    for _, heads in alternatives:
        for head in heads:
            if head.first:
                by_first.setdefault(head.first, {}).setdefault(head.tail, []).append(
                    head.rest if exact else ""
                )
            else:
                anywhere.append(head.rest)
    branches = []
    for first, tails in sorted(by_first.items()):
        words = [tail + _group(rests) for tail, rests in sorted(tails.items())]
        branches.append(first + _group(words))
    branches += [f"(?:{source})" for source in dict.fromkeys(anywhere)]
    return re.compile(" " + _group(branches))


def _group(sources: list[str]) -> str:
    """An alternation of distinct sources, none of which has a top-level "|" ("" allowed)."""
    unique = list(dict.fromkeys(sources))
    return unique[0] if len(unique) == 1 else "(?:" + "|".join(unique) + ")"


def _optional(sources: list[str]) -> re.Pattern[str] | None:
    """An anchored alternation, if there is anything to alternate."""
    return anchored(sources) if sources else None
