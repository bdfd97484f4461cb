"""`python -m bot train-risk`: rebuild content/risk/model.npz from the corpus, reproducibly.

Data: content/risk/corpus/train_<language>.tsv (label, language, category, text) and the older
tests/data/risk_eval_<language>.tsv sets (training only, never a result). The corpus rows are
split by a stable hash of their normalised text: one in five goes to *dev*, used to choose the
regularisation and the thresholds and to report figures; the rest is *train*. Identical texts
always fall on the same side. The sealed test (content/risk/corpus/test.tsv) is read only with
``--sealed``, after the model is written, and never influences it.

Needs scikit-learn (the ``train`` extra); the running bot does not.
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np

from bot.risk_features import term_counts, weights
from bot.risk_lexicon import normalise
from bot.risk_model import FORMAT, MODEL_FILE, RiskModel, Thresholds, meta_array, write_model
from bot.risk_report import Example, crisis, figures, read_labelled, table

GROUPS = {
    "explicit_suicidal": "self", "passive_death_wish": "self", "hopelessness_burden": "self",
    "plan_preparation": "self", "farewell": "self", "last_message": "self", "self_harm": "self",
    "overdose_relapse": "self", "psychosis_commands": "self", "hidden_in_ordinary": "self",
    "danger_from_others": "danger", "imminent_act": "imminent",
    "past_recovery": "framed", "media_news": "framed", "reported_speech": "framed",
    "mentor_question": "mentor",
    "idiom": "ok", "ordinary_sadness": "ok", "literal_injury": "ok", "everyday": "ok",
}
LEGACY = {"none": "ok", "concern": "self", "high": "self", "imminent": "imminent"}
CLASSES = ("danger", "framed", "imminent", "mentor", "ok", "self")
DEV_EVERY = 5
MIN_DF = 2
C_GRID = (2.0, 5.0, 10.0, 20.0)
MAX_DEV_FPR = 0.03  # false positives the model may add on dev, above what no threshold removes
SEED = 20261206


def is_dev(text: str) -> bool:
    """Stable split: one text in DEV_EVERY (by SHA-256 of its normalised form) is dev."""
    digest = hashlib.sha256(normalise(text).encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % DEV_EVERY == 0


def group_of(example: Example) -> str:
    """The model's class for a corpus row."""
    if example.category in GROUPS:
        return GROUPS[example.category]
    return LEGACY.get(example.category, "self" if example.risk else "ok")


def load_corpus(root: Path) -> tuple[list[Example], list[Example]]:
    """(train, dev): corpus rows split by hash; legacy evaluation rows go to train only."""
    train: list[Example] = []
    dev: list[Example] = []
    for path in sorted((root / "content" / "risk" / "corpus").glob("train_*.tsv")):
        for example in read_labelled(path):
            (dev if is_dev(example.text) else train).append(example)
    for path in sorted((root / "tests" / "data").glob("risk_eval_*.tsv")):
        language = path.stem.rsplit("_", 1)[-1]
        train += [replace(e, language=language) for e in read_labelled(path)]
    return _unique(train), _unique(dev)


def _unique(examples: list[Example]) -> list[Example]:
    """One row per normalised text (the first one), in a stable order."""
    seen: set[str] = set()
    kept = []
    for example in examples:
        key = normalise(example.text)
        if key and key not in seen:
            seen.add(key)
            kept.append(example)
    return kept


def vocabulary(texts: Sequence[str]) -> tuple[list[str], list[float]]:
    """Terms in at least MIN_DF texts, sorted, with smoothed IDF as in scikit-learn."""
    document_frequency: Counter[str] = Counter()
    for text in texts:
        document_frequency.update(set(term_counts(text)))
    terms = sorted(term for term, df in document_frequency.items() if df >= MIN_DF)
    total = len(texts)
    idf = [math.log((1 + total) / (1 + document_frequency[t])) + 1.0 for t in terms]
    return terms, idf


def matrix(texts: Sequence[str], terms: list[str], idf: list[float]):  # -> scipy csr_matrix
    """TF-IDF rows exactly as the running model computes them."""
    from scipy.sparse import csr_matrix

    index = {term: position for position, term in enumerate(terms)}
    data: list[float] = []
    columns: list[int] = []
    pointers = [0]
    for text in texts:
        counts = Counter({index[t]: c for t, c in term_counts(text).items() if t in index})
        found, values = weights(counts, idf)
        columns += found
        data += values
        pointers.append(len(columns))
    return csr_matrix((data, columns, pointers), shape=(len(texts), len(terms)))


def fit(train: list[Example], c_value: float) -> dict[str, np.ndarray]:
    """Fit the classifier; the arrays of a model file (thresholds still to be set)."""
    from sklearn.linear_model import LogisticRegression

    texts = [normalise(e.text) for e in train]
    terms, idf = vocabulary(texts)
    labels = [CLASSES.index(group_of(e)) for e in train]
    classifier = LogisticRegression(C=c_value, max_iter=3000, class_weight="balanced",
                                    random_state=SEED)
    classifier.fit(matrix(texts, terms, idf), labels)
    # A class missing from the data (a partial corpus) gets no weight and a very low intercept.
    coef = np.zeros((len(terms), len(CLASSES)), dtype=np.float16)
    intercept = np.full(len(CLASSES), -20.0, dtype=np.float32)
    for column, label in enumerate(classifier.classes_):
        coef[:, label] = classifier.coef_[column] if len(classifier.classes_) > 2 else 0
        intercept[label] = classifier.intercept_[column] if len(classifier.classes_) > 2 else 0
    keep = np.abs(coef.astype(np.float32)).max(axis=1) >= 0.02  # terms that change nothing go
    kept_terms = [t for t, k in zip(terms, keep, strict=True) if k]
    return {
        "vocabulary": np.frombuffer("\n".join(kept_terms).encode("utf-8"), dtype=np.uint8),
        "idf": np.asarray(idf, dtype=np.float32)[keep],
        "coef": coef[keep],
        "intercept": intercept,
    }


def _screen_with(arrays: dict[str, np.ndarray], meta: dict, root: Path):  # -> RiskScreen
    """A full layered screen around in-memory arrays."""
    from bot.catalog import risk as risk_catalog
    from bot.risk import RiskScreen

    model = RiskModel({**arrays, "meta": meta_array(meta)}, "(training)")
    return RiskScreen.from_lexicons(risk_catalog.load(root / "content"), model)


def thresholds_for(concern: float) -> Thresholds:
    """Every threshold follows from the concern one (a single number is tuned)."""
    return Thresholds(concern=round(concern, 3), high=round(max(0.6, concern), 3),
                      recent=round(concern * 0.6, 3), lexicon_gate=round(concern * 0.5, 3))


def tune(arrays: dict[str, np.ndarray], meta: dict, dev: list[Example], root: Path):
    """The lowest concern threshold whose dev false-positive rate is within MAX_DEV_FPR of the
    rate no threshold can lower (lexicon floors), so recall is as high as the budget allows."""
    screen = _screen_with(arrays, {**meta, "thresholds": vars(thresholds_for(0.5))}, root)
    risk_ok = [e.risk for e in dev]
    negatives = max(1, risk_ok.count(False))
    rates = {}
    for step in range(4, 98, 2):
        screen.model.thresholds = thresholds_for(step / 100)
        flagged = [crisis(screen.screen(e.text)) for e in dev]
        rates[step] = sum(f and not r for f, r in zip(flagged, risk_ok, strict=True)) / negatives
    floor = min(rates.values())
    chosen = min(step for step, rate in rates.items() if rate <= floor + MAX_DEV_FPR)
    return thresholds_for(chosen / 100)


def train(root: Path, *, sealed: bool = False, out: Path | None = None) -> list[str]:
    """Build the model file; returns the report lines (dev and, with ``sealed``, sealed test)."""
    train_rows, dev = load_corpus(root)
    lines = [f"train {len(train_rows)} messages, dev {len(dev)} (1 in {DEV_EVERY} by text hash)"]
    base = {"format": FORMAT, "classes": list(CLASSES), "seed": SEED}
    best: tuple[float, float] | None = None
    for c_value in C_GRID:  # choose C by dev log-loss of P(risk)
        arrays = fit(train_rows, c_value)
        model = RiskModel({**arrays, "meta": meta_array(
            {**base, "thresholds": vars(thresholds_for(0.5))})})
        loss = 0.0
        for example in dev:
            p = model.risk(model.probabilities(normalise(example.text)))
            p = min(max(p, 1e-6), 1 - 1e-6)
            loss -= math.log(p if example.risk else 1 - p)
        loss /= max(1, len(dev))
        lines.append(f"C={c_value:g}: dev log-loss of P(risk) {loss:.4f}")
        if best is None or loss < best[1]:
            best = (c_value, loss)
    assert best is not None
    arrays = fit(train_rows, best[0])
    meta = {**base, "c": best[0], "train": len(train_rows), "dev": len(dev)}
    limits = tune(arrays, meta, dev, root)
    meta["thresholds"] = vars(limits)
    path = out or root / "content" / MODEL_FILE
    write_model(path, {**arrays, "meta": meta_array(meta)})
    lines.append(f"chosen C={best[0]:g}, thresholds {vars(limits)}")
    lines.append(f"model: {path} ({path.stat().st_size / 1024:.0f} KiB, "
                 f"{len(arrays['idf'])} n-grams x {len(CLASSES)} classes)")
    screen = _screen_with(arrays, meta, root)
    lines += ["", "DEV (tuned on: not an independent result)"]
    lines += table(figures(dev, [screen.screen(e.text) for e in dev]))
    sealed_path = root / "content" / "risk" / "corpus" / "test.tsv"
    if sealed and sealed_path.is_file():
        test = read_labelled(sealed_path)
        lines += ["", "SEALED TEST"]
        lines += table(figures(test, [screen.screen(e.text) for e in test]))
    elif sealed:
        lines.append(f"no sealed test at {sealed_path}")
    return lines
