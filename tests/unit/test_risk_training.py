"""Corpus checks, chat spellings, clause spans and the sealed-test guard of the risk trainer."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from risk_helpers import tiny_model

from bot.screen.risk_cli import run_train
from bot.screen.risk_corpus import GROUPS, matrix, vocabulary
from bot.screen.risk_features import Vectoriser, clause_spans, clauses, expand
from bot.screen.risk_lexicon import normalise
from bot.screen.risk_model import RiskModel
from bot.screen.risk_report import read_corpus
from bot.screen.risk_train import train

CONTENT = Path(__file__).resolve().parents[2] / "content"
HEADER = "label\tlanguage\tcategory\ttext\n"


def test_bad_corpus_rows_are_dropped_and_counted(tmp_path: Path) -> None:
    path = tmp_path / "train_xx.tsv"
    path.write_text(
        HEADER
        + "risk\ten\texplicit_suicidal\ti want to die\n"
        + "ok\tes\tidiom\tme muero de risa\n"
        + "risk\ten\teveryday\tlabel and category disagree\n"
        + "maybe\ten\tidiom\tbad label\n"
        + "ok\tfr\tidiom\tbad language\n"
        + "ok\ten\tno_such_category\tunknown category\n"
        + "ok\ten\tidiom\n"
        + "ok\ten\tidiom\ttoo\tmany\n"
        + "ok\ten\teveryday\t \n"
        + "ok\ten\teveryday\tk\n"
        + "\n",
        "utf-8",
    )
    rows, dropped = read_corpus(path, GROUPS)
    assert [(r.risk, r.language, r.category) for r in rows] == [
        (True, "en", "explicit_suicidal"),
        (False, "es", "idiom"),
        (False, "en", "everyday"),
    ]
    assert dropped == {
        "label disagrees with category": 1,
        "label not risk/ok": 1,
        "language not en/es": 1,
        "unknown category": 1,
        "3 fields instead of 4": 1,
        "5 fields instead of 4": 1,
        "empty or undecodable text": 1,
    }


def test_a_file_without_the_header_is_dropped_whole(tmp_path: Path) -> None:
    path = tmp_path / "train_xx.tsv"
    path.write_text("risk\ten\texplicit_suicidal\ti want to die\nok\ten\tidiom\tfine\n", "utf-8")
    rows, dropped = read_corpus(path, GROUPS)
    assert rows == [] and sum(dropped.values()) == 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("i wanna kms rn", "i wanna kill myself rn"),
        ("K1ll myself", "Kill myself"),
        ("m4t4rm3 xq nd tiene sentido", "matarme porque nada tiene sentido"),
        ("q hago, tmb kiero irme", "que hago, tambien quiero irme"),
        ("I'd go to the mp3 shop at 3pm, covid19", "I'd go to the mp3 shop at 3pm, covid19"),
    ],
)
def test_chat_spellings_are_written_out(text: str, expected: str) -> None:
    assert expand(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "work was fine. gave my neighbour my plants, i won't be here next week 😭 then a film",
        "ok",
        "lol",
        "hola, ¿qué tal? bien, pero ahora no sé... 🙃🙃 ya veremos",
        "a\u200bb c. d, e! f g h i j k, but now l m n",
    ],
)
def test_clause_spans_are_the_clauses(text: str) -> None:
    whole = normalise(text)
    spans = clause_spans(text, whole)
    assert spans is not None
    words = whole.split()
    assert [" ".join(words[a:b]) for a, b in spans] == clauses(text)


def test_clause_vectors_from_spans_equal_scoring_each_clause_alone() -> None:
    model = tiny_model()
    text = "had a nice day at work. i want to die, but now i am making dinner and tea"
    whole = normalise(text)
    spans = clause_spans(text, whole)
    assert spans is not None and len(spans) > 1
    words = whole.split()
    together = model.unit_probabilities(words, [(0, len(words)), *spans])
    alone = [model.probabilities(whole), *(model.probabilities(c) for c in clauses(text))]
    np.testing.assert_allclose(together, np.array(alone), rtol=1e-6, atol=1e-9)


def test_the_running_vectoriser_computes_the_training_features() -> None:
    # The bot looks n-grams up by hash; training builds them as strings: both must agree.
    texts = [
        normalise(expand(text))
        for text in (
            "i want to die tonight",
            "i want to go home tonight",
            "no quiero vivir mas, quiero morir",
            "quiero ir a casa",
            "had a long day at work but i want to go home",
            "kms lol",
            "the dog wants to go home to die",
        )
    ]
    terms, idf = vocabulary(texts)
    screened = [*texts, "zzz unknown words only", "i want to die " * 300]
    expected = matrix(screened, terms, idf)
    vectoriser = Vectoriser(terms, idf)
    for row, text in enumerate(screened):
        indices, values = vectoriser.transform(text)
        wanted = expected.getrow(row)
        assert indices.tolist() == wanted.indices.tolist()
        np.testing.assert_allclose(values, wanted.data, rtol=1e-12)
    assert vectoriser.transform("8 88")[0].tolist() == vectoriser.transform("")[0].tolist() == []


def test_train_with_sealed_but_no_sealed_file_exits_2(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("bot.screen.risk_corpus.SEALED", "no_such_sealed_file.tsv")
    monkeypatch.setattr(
        "bot.screen.risk_train.train", lambda *a, **k: pytest.fail("trained anyway")
    )
    assert run_train(sealed=True) == 2
    assert "no_such_sealed_file.tsv" in capsys.readouterr().err


def _corpus_root(tmp_path: Path) -> Path:
    """A small repository: the shipped lexicons and a few rows per corpus file."""
    risk = tmp_path / "content" / "risk"
    (risk / "corpus").mkdir(parents=True)
    for lexicon in (CONTENT / "risk").glob("*.yaml"):
        (risk / lexicon.name).write_text(lexicon.read_text("utf-8"), "utf-8")
    risky = [
        "i want to die",
        "i wanna end it all tonight",
        "nobody would miss me if i was gone",
        "i gave my things away, this is goodbye",
        "i cant go on living like this",
    ]
    fine = [
        "what a lovely day at the park",
        "i burned my hand on the oven",
        "this film killed me lol",
        "my exam went badly but ill be ok",
        "we had pizza and watched football",
    ]
    for name, suffix in (
        ("train_en.tsv", ""),
        ("train_en_2.tsv", " honestly"),
        ("train_es.tsv", " hoy"),
        ("round1_test.tsv", " ok"),
        ("round2_test.tsv", " yes"),
    ):
        lines = [f"risk\ten\texplicit_suicidal\t{t}{suffix}" for t in risky]
        lines += [f"ok\ten\teveryday\t{t}{suffix}" for t in fine]
        lines += [f"ok\ten\tpast_recovery\ttwo years ago {t}{suffix}" for t in risky]
        lines.append("risk\ten\teveryday\tthis row's label disagrees with its category")
        (risk / "corpus" / name).write_text(HEADER + "\n".join(lines) + "\n", "utf-8")
    return tmp_path


def test_training_is_reproducible_and_reports_dropped_rows(tmp_path: Path) -> None:
    root = _corpus_root(tmp_path)
    first, second = tmp_path / "first.npz", tmp_path / "second.npz"
    lines = train(root, out=first)
    train(root, out=second)
    assert first.read_bytes() == second.read_bytes()
    assert "train_en_2.tsv: 15 rows kept, 1 DROPPED (1 label disagrees with category)" in lines
    held = [
        line.split()[0] for line in lines if line.startswith(("train_", "round")) and "risk" in line
    ]
    # the original author's files are not held out
    assert held == ["train_en_2.tsv", "round1_test.tsv", "round2_test.tsv"]
    RiskModel.load(first)
