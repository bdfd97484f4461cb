"""The lexicon's fast path: compiled after start-up, and never changing what the screen finds."""

from __future__ import annotations

import dataclasses
import types
from pathlib import Path

import pytest

from bench.risk_eval import load_examples
from bot.catalog import risk as risk_catalog
from bot.catalog._base import ContentError
from bot.catalog.risk_patterns import rule_alternatives
from bot.screen import risk_lexicon
from bot.screen.risk_lexicon import LexiconScreen, _screen_language
from bot.screen.risk_lexicon_build import dispatching
from bot.screen.risk_types import Severity

CONTENT = Path(__file__).resolve().parents[2] / "content"
LEXICON = """
language: en
negations: [not, never, dont]
negation_breakers: [but, i]
words:
  go: [go*, head*]
  place: [bridge, (train|rail) (line*|track*)]
rules:
  - id: plan.place
    severity: imminent
    patterns: ["(im|i am) <go> to the <place> {0,3} (now|tonight)"]
  - id: wish.die
    severity: high
    patterns: ["want to (die|disappear)"]
exclusions: ["dying to (see|go)"]
"""
TEXTS = [
    "im heading to the train tracks right now",
    "I really WANT to dieeee",
    "i dont want to die",
    "dying to see you, want to go out",
    "we went to the bridge today, it was lovely",
    "",
    "😭😭 want... to... disappear",
]


def found(screen: LexiconScreen) -> list[tuple[Severity, str] | None]:
    return [(hit.severity, hit.rule_id) if (hit := screen.screen(text)) else None for text in TEXTS]


def test_the_screen_is_complete_while_the_fast_path_waits(tmp_path: Path) -> None:
    (tmp_path / "risk").mkdir()
    (tmp_path / "risk" / "en.yaml").write_text(LEXICON, encoding="utf-8")
    lexicons = risk_catalog.load(tmp_path)
    risk_lexicon.hold_refinement()  # as during the bot's start-up
    try:
        screen = LexiconScreen.from_lexicons(lexicons)
        dispatch = screen._languages[0].any_rule
        assert not dispatch.ready.wait(0.2)
        early = found(screen)
    finally:
        risk_lexicon.release_refinement()
    assert dispatch.ready.wait(30)
    assert (
        early
        == found(screen)
        == [
            (Severity.IMMINENT, "plan.place"),
            (Severity.HIGH, "wish.die"),
            (Severity.CONCERN, "wish.die"),  # negated: lowered, never dropped
            None,
            None,
            None,
            (Severity.HIGH, "wish.die"),
        ]
    )


@pytest.mark.parametrize("language", ["en", "es"])
def test_coarse_and_exact_dispatch_find_the_same(language: str) -> None:
    lexicons = risk_catalog.load(CONTENT)
    screen = LexiconScreen.from_lexicons(lexicons)
    compiled = next(lang for lang in screen._languages if lang.code == language)
    lexicon = lexicons[language]
    alternatives = [
        alt
        for rule in lexicon.rules
        for alt in rule_alternatives(rule.id, rule.patterns, rule.regex, lexicon.words)
    ]
    coarse, exact = (
        dataclasses.replace(
            compiled,
            any_rule=types.SimpleNamespace(  # type: ignore[arg-type]
                regex=dispatching(alternatives, exact=flag)
            ),
        )
        for flag in (False, True)
    )
    assert coarse.any_rule.regex.pattern != exact.any_rule.regex.pattern
    texts = [example.text for code in ("en", "es") for example in load_examples(code)]
    hits = 0
    for text in texts:
        message = risk_lexicon._Message(text)
        expected = _screen_language(exact, message)
        assert _screen_language(coarse, message) == expected, text
        hits += expected is not None
    assert hits > 50  # the sets hold plenty of risk statements in this language's lexicon


def test_patterns_checked_together_are_still_named_one_by_one(tmp_path: Path) -> None:
    (tmp_path / "risk").mkdir()
    (tmp_path / "risk" / "en.yaml").write_text(
        """
language: en
rules:
  - id: mixed
    severity: high
    patterns: ["want to die", "{1}", "go* ?"]
    regex: ["(ab)", "kil[a-z]*"]
  - id: fine
    severity: high
    patterns: [fine]
exclusions: ["{0,2}", dying to see]
""",
        encoding="utf-8",
    )
    with pytest.raises(ContentError) as caught:
        risk_catalog.load(tmp_path)
    assert [(p.entry, p.field, p.message.split(":")[0]) for p in caught.value.problems] == [
        ("rule mixed", "patterns > 1", "pattern '{1}' is too broad"),
        ("rule mixed", "patterns > 2", "pattern 'go* ?' is too broad"),
        ("rule mixed", "regex > 0", "regex '(ab)' uses a capturing group; write (?"),
        ("exclusions", "0", "pattern '{0,2}' is too broad"),
    ]
