"""The layered crisis screen: tiers from time, voice, role and conversation; bad input; model file."""

from __future__ import annotations

import dataclasses
import functools
import io
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from risk_helpers import tiny_model, tiny_screen

from bot.catalog._base import ContentError
from bot.content import load_content
from bot.screen.risk import RiskKind, RiskResult, RiskScreen, Severity
from bot.screen.risk_features import clauses
from bot.screen.risk_model import RiskModel, write_model
from bot.screen.risk_report import Example, crisis, figures, read_labelled, wilson

CHECK, CONCERN, HIGH, IMMINENT = Severity.CHECK, Severity.CONCERN, Severity.HIGH, Severity.IMMINENT
CONTENT = Path(__file__).resolve().parents[2] / "content"


def tier(text: str, **kwargs: object) -> tuple[Severity, RiskKind] | None:
    """(severity, kind) from the screen with the tiny model."""
    result = tiny_screen().screen(text, **kwargs)  # type: ignore[arg-type]
    return (result.severity, result.kind) if result else None


# --- tiers from the model and the lexicon ---------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("i just want to die", (HIGH, RiskKind.SELF)),
        ("standing on the bridge", (IMMINENT, RiskKind.SELF)),
        ("he hits me when he drinks", (HIGH, RiskKind.DANGER)),
        ("we had cake", None),
        ("feeling low", None),  # P(risk) about 0.5: under the concern bar
        # risk in the middle of ordinary news: the clause alone crosses its bar
        (
            "cake cake cake cake cake cake cake, i want to die, cake cake cake cake",
            (HIGH, RiskKind.SELF),
        ),
        # the lexicon is a floor when the model gives it some weight...
        ("im going to kill myself tonight", (IMMINENT, RiskKind.SELF)),
        ("i want to kill myself", (HIGH, RiskKind.SELF)),
        # ...and a gentle check, never dropped, when the model is sure it is ordinary
        ("i want to kill myself lol cake cake cake", (CHECK, RiskKind.SELF)),
    ],
)
def test_tiers(text: str, expected: tuple[Severity, RiskKind] | None) -> None:
    assert tier(text) == expected


def test_result_names_its_source_never_the_text() -> None:
    model = tiny_screen().screen("die")
    lexicon = tiny_screen().screen("im going to kill myself tonight")
    assert model is not None and (model.source, model.rule_id) == ("model", "model:self")
    assert 0.9 < model.score <= 1.0 and model.language == "en"
    assert lexicon is not None and lexicon.source == "lexicon"
    assert lexicon.rule_id.startswith("en.imminent.")


# --- time and voice -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "two years ago i wanted to die",
        "i used to want to die every day",
        "back then i wanted to die",
        "hace dos años quería morir",
        "cuando era adolescente quería morir",
        "when i was 19 i was in a dark place. i wanted to die every day",  # the story carries on
        "in the film the main character wants to die",
        "my sister said she wants to die",
        "mi amiga dijo que quiere morir",
        'my sister said: "i want to die"',  # a quote is someone else's present tense
        'mi abuela dice siempre "ya me quiero morir"',
    ],
)
def test_past_and_reported_speech_are_a_gentle_check(text: str) -> None:
    assert tier(text) == (CHECK, RiskKind.SELF)


@pytest.mark.parametrize(
    "text",
    [
        "two years ago i wanted to die, and now i want to die again",
        "i used to self harm. now i just want to die",
        "hace dos años quería morir. ahora otra vez quiero morir",
        "my sister said hi. i want to die",  # someone else's words do not cover the next clause
        "the voices tell me to die",  # words said to the writer are the writer's own risk
        "las voces me dicen que tengo que morir",
    ],
)
def test_present_distress_after_a_story_still_counts(text: str) -> None:
    found = tier(text)
    assert found is not None and found[0] >= CONCERN


# --- who is writing -------------------------------------------------------------------------


def test_mentor_asking_about_a_disclosure_gets_guidance() -> None:
    text = "my mentee said she wants to die, what do i do?"
    assert tier(text, role="mentor") == (CHECK, RiskKind.GUIDANCE)
    assert tier(text, role="mentee") == (CHECK, RiskKind.SELF)  # a gentle check, no crisis reply
    assert tier(text) == (CHECK, RiskKind.SELF)
    assert tier("my mentee said she wants to die", role="mentor") == (CHECK, RiskKind.GUIDANCE)
    # a mentor's own past story is a gentle check, not guidance
    assert tier("two years ago i wanted to die", role="mentor") == (CHECK, RiskKind.SELF)


def test_a_mentor_in_distress_is_still_a_person_in_distress() -> None:
    assert tier("i just want to die", role="mentor") == (HIGH, RiskKind.SELF)
    assert tier("im going to kill myself tonight", role="mentor") == (IMMINENT, RiskKind.SELF)


# --- the conversation -----------------------------------------------------------------------


def test_recent_concern_lowers_the_bar_and_raises_a_concern() -> None:
    assert tier("feeling low") is None
    raised = tiny_screen().screen("feeling low", recent=[CONCERN])
    assert raised is not None and raised.severity is CONCERN
    assert (raised.rule_id, raised.source) == ("context:recent", "context")
    assert tier("feeling low", recent=[CHECK]) is None  # a past story yesterday is not a concern
    assert tier("we had cake", recent=[HIGH]) is None  # the bar is lower, not gone


def test_one_or_two_words_are_too_little_for_the_model_alone() -> None:
    assert tier("die") == (CHECK, RiskKind.SELF)  # "bye", "adiós": a gentle check at most
    after = tier("die", recent=[CONCERN])  # ...unless the day before was worrying
    assert after is not None and after[0] >= CONCERN
    assert tier("im going to kill myself tonight") == (IMMINENT, RiskKind.SELF)  # lexicon floor


def test_recent_concern_raises_a_new_concern_to_high() -> None:
    screen = RiskScreen(
        tiny_screen().lexicon, tiny_model(dataclasses.replace(tiny_model().thresholds, high=0.999))
    )
    alone = screen.screen("die die die")
    after = screen.screen("die die die", recent=[CONCERN, CHECK])
    assert alone is not None and alone.severity is CONCERN
    assert after is not None and after.severity is HIGH and after.rule_id == "context:recent"


# --- bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "",
        " ",
        "😭" * 200,
        "\u200b\u200c\u200d\ufeff",
        "x" * 4096,
        "kill myself " * 400,
        "我想死 я хочу умереть أريد أن أموت",
        "ich will sterben",
        "\x00\x01\x02",
        "ä" * 10_000,
        "i want to die\u200b tonight",
        "ＩＷＡＮＴＴＯＤＩＥ",
    ],
)
def test_bad_input_never_raises(text: str) -> None:
    for screen in (tiny_screen(), shipped_screen()):
        result = screen.screen(text)
        assert result is None or isinstance(result.severity, Severity)


@functools.cache
def shipped_screen() -> RiskScreen:
    """The shipped screen: lexicons and the trained model."""
    return load_content().risk


WORDS = [
    "kill",
    "myself",
    "die",
    "not",
    "tonight",
    "quiero",
    "morir",
    "no",
    "years",
    "ago",
    "my",
    "mentee",
    "said",
    "hace",
    "años",
    "now",
    "ahora",
    "gracias",
    "por",
    "todo",
]


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.one_of(
        st.text(max_size=4096),
        st.lists(st.one_of(st.sampled_from(WORDS), st.text(max_size=6)), max_size=300).map(
            " ".join
        ),
    ),
    st.sampled_from([None, "mentor", "mentee"]),
    st.lists(st.sampled_from(list(Severity)), max_size=3),
)
def test_screen_never_raises_and_never_returns_text(
    text: str, role: str | None, recent: list[Severity]
) -> None:
    screen = shipped_screen()
    result = screen.screen(text, role=role, recent=recent)
    if result is not None:
        assert {f.name for f in dataclasses.fields(result)} == {
            "severity",
            "rule_id",
            "language",
            "score",
            "source",
            "kind",
        }
        assert isinstance(result.severity, Severity) and isinstance(result.kind, RiskKind)
        assert result.rule_id in screen.rule_ids and result.language in {"en", "es"}
        assert 0.0 <= result.score <= 1.0 and result.source in {"lexicon", "model", "context"}
        words = [w for w in text.split() if len(w) > 3]
        assert not any(w in (result.rule_id, result.language) for w in words)


def test_callers_passing_only_text_still_work() -> None:
    result = shipped_screen().screen("quiero morirme, ya no aguanto más")
    assert isinstance(result, RiskResult) and result.severity >= CONCERN


# --- clauses --------------------------------------------------------------------------------


def test_clauses_split_at_punctuation_emoji_and_new_thoughts() -> None:
    assert clauses("two years ago I wanted to die, now im well") == [
        "two years ago i wanted to die",
        "now im well",
    ]
    assert clauses("got the job 😊 also been giving my stuff away. see u") == [
        "got the job",
        "also been giving my stuff away see u",
    ]  # "see u" is too short alone
    assert clauses("lol") == ["lol"] and clauses("") == []


# --- the model file -------------------------------------------------------------------------


def test_missing_model_is_a_content_error_naming_the_file(tmp_path: Path) -> None:
    (tmp_path / "risk").mkdir()
    for name in ("en.yaml", "es.yaml"):
        (tmp_path / "risk" / name).write_bytes((CONTENT / "risk" / name).read_bytes())
    with pytest.raises(ContentError) as caught:
        RiskScreen.load(tmp_path)
    assert "risk/model.npz" in str(caught.value) and "missing" in str(caught.value)
    (tmp_path / "risk" / "model.npz").write_bytes(b"PK\x03\x04 not really a model")
    with pytest.raises(ContentError) as caught:
        RiskScreen.load(tmp_path)
    assert "risk/model.npz" in str(caught.value) and "unreadable" in str(caught.value)


def test_model_file_is_written_byte_for_byte_the_same(tmp_path: Path) -> None:
    model = tiny_model()
    arrays = {
        "vocabulary": np.frombuffer(b"=a\n=b", dtype=np.uint8),
        "idf": np.ones(2, dtype=np.float32),
        "coef": np.ones((2, 6), dtype=np.float16),
        "intercept": model.intercept.astype(np.float32),
        "meta": np.frombuffer(b'{"format": 1}', dtype=np.uint8),
    }
    write_model(tmp_path / "a.npz", arrays)
    write_model(tmp_path / "b.npz", arrays)
    assert (tmp_path / "a.npz").read_bytes() == (tmp_path / "b.npz").read_bytes()
    with np.load(io.BytesIO((tmp_path / "a.npz").read_bytes()), allow_pickle=False) as loaded:
        assert loaded["coef"].shape == (2, 6)


def test_shipped_model_loads_without_pickle() -> None:
    model = RiskModel.load(CONTENT / "risk" / "model.npz")
    assert {"self", "danger", "imminent", "framed", "mentor", "ok"} <= set(
        model.meta["groups"].values()
    )
    assert 0 < model.thresholds.concern < 1


# --- figures --------------------------------------------------------------------------------


def test_wilson_interval_and_figures(tmp_path: Path) -> None:
    assert wilson(0, 0) == (0.0, 1.0)
    low, high = wilson(5, 10)
    assert low < 0.5 < high and round(low, 3) == 0.237
    path = tmp_path / "set.tsv"
    path.write_text(
        "label\tlanguage\tcategory\ttext\nrisk\ten\tfarewell\tbye all\n"
        "ok\ten\tidiom\tkilling it\nnone\tes\tx\thola\n",
        encoding="utf-8",
    )
    examples = read_labelled(path)
    assert [e.risk for e in examples] == [True, False, False]
    hit = RiskResult(HIGH, "model:self", "en", 0.9, "model")
    rates = figures(examples, [hit, hit, None])
    assert (
        rates[("all", "ALL risk (recall)")].hits,
        rates[("all", "ALL ok (false positives)")].hits,
    ) == (1, 1)
    assert not crisis(RiskResult(CHECK, "x", "en")) and not crisis(
        RiskResult(HIGH, "x", "en", kind=RiskKind.GUIDANCE)
    )
    assert isinstance(examples[0], Example)
