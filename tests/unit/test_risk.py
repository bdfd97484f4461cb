"""The crisis lexicon (the screen's floor): normalising, idioms, negation, languages, loading."""

from __future__ import annotations

import dataclasses
import functools
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.risk_eval import evaluate, load_examples, predict
from bot.catalog import risk as risk_catalog
from bot.catalog._base import ContentError
from bot.screen.risk_lexicon import LexiconHit, LexiconScreen, _clause_starts, _Message, normalise
from bot.screen.risk_types import Severity

CONTENT = Path(__file__).resolve().parents[2] / "content"
IMMINENT, HIGH, CONCERN = Severity.IMMINENT, Severity.HIGH, Severity.CONCERN


@functools.cache
def shipped_screen() -> LexiconScreen:
    """The screen built from the shipped lexicons (compiled once per test run)."""
    return LexiconScreen.from_lexicons(risk_catalog.load(CONTENT))


def severity(text: str) -> Severity | None:
    """Severity found in ``text`` by the shipped screen."""
    result = shipped_screen().screen(text)
    return result.severity if result else None


# --- normalise ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I'm NOT ok", "im not ok"),
        ("don\u2019t  can\u2018t", "dont cant"),  # curly apostrophes
        ("Está   Mañana ÁRBOL", "esta manana arbol"),  # accents, ñ, case
        ("sooo tiiired!!!", "soo tiired"),  # runs of 3+ letters cut to 2
        ("kill\U0001f62dmyself...\n\tnow", "kill myself now"),  # emoji and punctuation noise
        ("ＦＵＬＬＷＩＤＴＨ", "fullwidth"),  # NFKD compatibility forms
        ("", ""),
    ],
)
def test_normalise(text: str, expected: str) -> None:
    assert normalise(text) == expected


@settings(deadline=None)
@given(st.text(max_size=300))
def test_normalise_output_shape(text: str) -> None:
    out = normalise(text)
    assert re.fullmatch(r"(?:[a-z0-9]+(?: [a-z0-9]+)*)?", out)
    assert not re.search(r"([a-z])\1\1", out)
    assert normalise(out) == out


@settings(deadline=None)
@given(st.text(max_size=80))
def test_clause_starts_are_word_starts(text: str) -> None:
    """Clause offsets (negation scope) must point at word starts of the text rules match."""
    padded = _Message(text).padded
    starts = _clause_starts(text)
    assert starts == sorted(set(starts))
    for offset in starts:
        assert padded[offset - 1] == " " and offset <= len(padded)


# --- screening -----------------------------------------------------------------------------

EXPECTATIONS = [
    # explicit, indirect, imminent
    ("I want to kill myself", HIGH),
    ("I don't want to live anymore", HIGH),  # negation inside the phrase is not a negation
    ("everyone would be better off without me", HIGH),
    ("I can't go on", HIGH),
    ("I've written my goodbye letters", HIGH),
    ("been giving away my things", HIGH),
    ("im gonna kill myself tonight", IMMINENT),
    ("I have the pills in front of me", IMMINENT),
    ("this is my last message", IMMINENT),
    ("I'm on the bridge", IMMINENT),
    ("no point anymore", CONCERN),
    # harm from others and self-harm
    ("he hits me", HIGH),
    ("I'm not safe at home", HIGH),
    ("im scared of my boyfriend", CONCERN),
    ("i cut myself again last night", HIGH),
    ("I want to hurt myself", HIGH),
    ("im going to hang myself tonight", IMMINENT),
    # idioms and ordinary days
    ("killing it at work today!!", None),
    ("dying to see you", None),
    ("dead tired", None),
    ("i could kill for a coffee", None),
    ("this exam is killing me", None),
    ("ugh work was awful today", None),
    ("I'm so tired of this rain", None),
    ("had a craving but called my sponsor", None),
    ("i cut myself shaving lol", None),
    ("6 months self harm free today!!", None),
    ("I'm taking my life back one day at a time", None),
    # repeated letters, missing apostrophes, typos
    ("i wanna kiiiill myselfffff", HIGH),
    ("im sooo suicidal", HIGH),
    ("i dont wanna be alive anymore", HIGH),
    ("im gonna kil myslef", HIGH),
    # Spanish, with and without accents
    ("todos estarían mejor sin mí", HIGH),
    ("todos estarian mejor sin mi", HIGH),
    ("me quiero morir", HIGH),
    ("ya no quiero vivir", HIGH),
    ("no aguanto más", CONCERN),
    ("quiero desaparecer", CONCERN),
    ("esta noche me mato", IMMINENT),
    ("me muero de risa jajaja", None),
    ("este examen me está matando", None),
    ("me corté el pelo", None),
]


@pytest.mark.parametrize(("text", "expected"), EXPECTATIONS)
def test_screen_examples(text: str, expected: Severity | None) -> None:
    assert severity(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I'm not going to kill myself", CONCERN),  # negated: lowered, never dropped
        ("i would never kill myself", CONCERN),
        ("i dont want to die", CONCERN),
        ("no me voy a matar, tranquila", CONCERN),
        ("im not ok, i want to die", HIGH),  # "i" starts a new clause
        ("not ok, wanna die", HIGH),  # punctuation ends the negation scope
        ("not gonna lie i want to die", HIGH),  # pseudo-negation
        ("no aguanto más, quiero morirme", HIGH),
        ("im not going to kill myself tonight", CONCERN),
        ("i dont know, i took too many pills", IMMINENT),  # acts in progress are not negatable
    ],
)
def test_negation_errs_on_the_side_of_safety(text: str, expected: Severity) -> None:
    assert severity(text) == expected


def test_result_names_rule_and_language_not_text() -> None:
    result = shipped_screen().screen("me quiero morir")
    assert result == LexiconHit(HIGH, result.rule_id if result else "", "es")
    assert result is not None and result.rule_id.startswith("es.high.")
    assert {f.name for f in dataclasses.fields(LexiconHit)} == {"severity", "rule_id", "language"}


def test_all_languages_are_checked_and_highest_wins() -> None:
    result = shipped_screen().screen("hola. I'm fine. esta noche me mato")
    assert result is not None and (result.severity, result.language) == (IMMINENT, "es")
    mixed = shipped_screen().screen("i hate myself. me quiero morir")
    assert mixed is not None and mixed.severity is HIGH


# --- evaluation floors ---------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "es"])
def test_eval_set_floors(language: str) -> None:
    examples = load_examples(language)
    figures = evaluate(examples, predict(shipped_screen(), examples))
    labels = [e.label for e in examples]
    assert len(examples) >= (300 if language == "en" else 100)
    assert labels.count(None) >= 0.4 * len(examples)
    assert figures.rate(figures.high_plus) >= 0.95, figures.high_plus
    assert figures.rate(figures.false_positives) <= 0.05, figures.false_positives


# --- properties ----------------------------------------------------------------------------

LEXICON_WORDS = [
    "kill",
    "myself",
    "die",
    "not",
    "tonight",
    "me",
    "quiero",
    "morir",
    "no",
    "pills",
    "i",
    "dont",
    "want",
    "to",
    "live",
    "anymore",
    "killing",
    "it",
    "sin",
    "mí",
]
noisy_text = st.one_of(
    st.text(max_size=4096),
    st.lists(st.one_of(st.sampled_from(LEXICON_WORDS), st.text(max_size=6)), max_size=400).map(
        " ".join
    ),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(noisy_text)
def test_screen_never_raises_and_never_returns_text(text: str) -> None:
    screen = shipped_screen()
    result = screen.screen(text[:4096])
    if result is not None:
        assert isinstance(result.severity, Severity)
        assert result.rule_id in screen.rule_ids
        assert result.language in {"en", "es"}
        assert set(vars(result)) == {"severity", "rule_id", "language", "score", "source", "kind"}


# --- lexicon files -------------------------------------------------------------------------

VALID = """\
language: en
negations: [not]
words:
  me: [myself, my self]
rules:
  - id: en.test.rule
    severity: high
    patterns: ["kill* <me>", "(want|wanna) to die"]
"""


def write_lexicon(root: Path, text: str, name: str = "en.yaml") -> Path:
    """Write one lexicon file under root/risk and return root."""
    (root / "risk").mkdir(exist_ok=True)
    (root / "risk" / name).write_text(text, encoding="utf-8")
    return root


def test_small_lexicon_loads_and_screens(tmp_path: Path) -> None:
    screen = LexiconScreen.from_lexicons(risk_catalog.load(write_lexicon(tmp_path, VALID)))
    assert screen.screen("KILLING   my self!!") == LexiconHit(HIGH, "en.test.rule", "en")
    assert screen.screen("i'm not killing myself") == LexiconHit(CONCERN, "en.test.rule", "en")
    assert screen.screen("i wanna live") is None


@pytest.mark.parametrize(
    ("broken", "field", "message"),
    [
        ('    regex: ["(?:unclosed"]\n', "regex > 0", "does not compile"),
        ('    regex: ["(kil)"]\n', "regex > 0", "capturing group"),
        ('    regex: ["[a-z]+ "]\n', "regex > 0", "too broad"),
        ('    regex: ["took"]\n', "regex > 0", "write it once"),
        ('    patterns: ["kill <nobody>"]\n', "patterns > 0", "unknown list"),
        ('    patterns: ["(kill myself"]\n', "patterns > 0", "unclosed"),
        ('    patterns: ["está mal"]\n', "patterns > 0", "unexpected"),
        ('    patterns: ["{0,3}"]\n', "patterns > 0", "too broad"),
    ],
)
def test_broken_lexicon_names_file_rule_and_field(
    tmp_path: Path, broken: str, field: str, message: str
) -> None:
    text = VALID + "  - id: en.test.broken\n    severity: concern\n" + broken
    with pytest.raises(ContentError) as caught:
        risk_catalog.load(write_lexicon(tmp_path, text))
    report = str(caught.value)
    assert "risk/en.yaml" in report and "en.test.broken" in report and message in report
    assert field in report


def test_schema_errors_are_content_errors(tmp_path: Path) -> None:
    write_lexicon(tmp_path, VALID.replace("severity: high", "severity: urgent"))
    write_lexicon(tmp_path, VALID, name="es.yaml")  # language says en, file says es
    with pytest.raises(ContentError) as caught:
        risk_catalog.load(tmp_path)
    report = str(caught.value)
    assert "risk/en.yaml" in report and "severity" in report
    assert "risk/es.yaml" in report and "file name says 'es'" in report


def test_shipped_lexicons_cover_both_languages() -> None:
    assert set(risk_catalog.load(CONTENT)) == {"en", "es"}
