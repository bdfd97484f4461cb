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

from bot.screen.risk_features import WORD_PREFIX, clauses, term_counts, weights
from bot.screen.risk_lexicon import LexiconScreen, normalise
from bot.screen.risk_model import FORMAT, MODEL_FILE, RiskModel, Thresholds, meta_array, write_model
from bot.screen.risk_report import Example, crisis, figures, read_labelled, table

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
GROUP_NAMES = ("danger", "framed", "imminent", "mentor", "ok", "self")
# One class per corpus category (the older sets' rows are classed by group): finer classes
# separate a farewell from a holiday greeting better than one broad "self" class would.
CLASSES = tuple(sorted(set(GROUPS) | set(GROUP_NAMES)))
CLASS_GROUPS = {**{name: name for name in GROUP_NAMES}, **GROUPS}
DEV_EVERY = 5
MIN_DF = 2
C_GRID = (10.0, 30.0)
MAX_DEV_FPR = 0.05  # the target false-positive rate; the thresholds maximise recall within it
CLAUSE_GRID = (0.95, 0.98, 0.995)
GATE_GRID = (0.1, 0.3)
SEED = 20261206
AUGMENTED = frozenset({"everyday", "ordinary_sadness", "literal_injury", "past_recovery"})
CLAUSE_WEIGHT = 0.5


def is_dev(text: str) -> bool:
    """Stable split: one text in DEV_EVERY (by SHA-256 of its normalised form) is dev."""
    digest = hashlib.sha256(normalise(text).encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % DEV_EVERY == 0


def class_of(example: Example) -> str:
    """The model's class for a corpus row."""
    if example.category in GROUPS:
        return example.category
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
    is_word = [term.startswith(WORD_PREFIX) for term in terms]
    data: list[float] = []
    columns: list[int] = []
    pointers = [0]
    for text in texts:
        counts = Counter({index[t]: c for t, c in term_counts(text).items() if t in index})
        found, values = weights(counts, idf, is_word)
        columns += found
        data += values
        pointers.append(len(columns))
    return csr_matrix((data, columns, pointers), shape=(len(texts), len(terms)))


def clause_rows(train: list[Example], lexicon: LexiconScreen) -> list[tuple[str, str]]:
    """(clause, class) for the clauses of ordinary messages that hold no lexicon phrase.

    The running screen scores every clause on its own, so the model must know that "now I'm
    studying nursing" or "thanks" alone is ordinary; risk messages are not split (which of
    their clauses holds the risk is not labelled), nor are idioms and reported speech (their
    clauses can read as risk once cut from what frames them).
    """
    rows = []
    for example in train:
        if example.category not in AUGMENTED:
            continue
        parts = clauses(example.text)
        if len(parts) > 1:
            rows += [(part, class_of(example)) for part in parts if lexicon.screen(part) is None]
    return rows


def fit(train: list[Example], c_value: float, lexicon: LexiconScreen | None = None,
        ) -> dict[str, np.ndarray]:
    """Fit the classifier; the arrays of a model file (thresholds still to be set)."""
    from sklearn.linear_model import LogisticRegression

    texts = [normalise(e.text) for e in train]
    labels = [CLASSES.index(class_of(e)) for e in train]
    weights_ = [1.0] * len(texts)
    if lexicon is not None:
        extra = clause_rows(train, lexicon)
        texts += [text for text, _ in extra]
        labels += [CLASSES.index(name) for _, name in extra]
        weights_ += [CLAUSE_WEIGHT] * len(extra)
    terms, idf = vocabulary(texts)
    classifier = LogisticRegression(C=c_value, max_iter=3000, class_weight="balanced",
                                    random_state=SEED)
    classifier.fit(matrix(texts, terms, idf), labels, sample_weight=np.asarray(weights_))
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
    from bot.screen.risk import RiskScreen

    model = RiskModel({**arrays, "meta": meta_array(meta)}, "(training)")
    return RiskScreen.from_lexicons(risk_catalog.load(root / "content"), model)


def thresholds_for(concern: float, clause: float = 0.95, gate: float = 0.2) -> Thresholds:
    """Three numbers are tuned; the others follow from them."""
    high = concern + (1.0 - concern) * 0.6  # the upper part of the flagged range is high
    return Thresholds(concern=round(concern, 3), high=round(high, 3),
                      clause=round(max(clause, concern), 3), recent=round(concern * 0.6, 3),
                      lexicon_gate=round(gate, 3))


def tune(arrays: dict[str, np.ndarray], meta: dict, dev: list[Example], root: Path):
    """The thresholds with the highest dev recall whose dev false-positive rate is at most
    MAX_DEV_FPR (ties: the lower false-positive rate)."""
    screen = _screen_with(arrays, {**meta, "thresholds": vars(thresholds_for(0.5))}, root)
    screen.model.memo = {}  # every threshold sees the same texts: score each once
    risk_ok = [e.risk for e in dev]
    positives, negatives = max(1, risk_ok.count(True)), max(1, risk_ok.count(False))
    best: tuple[float, float, Thresholds] | None = None
    for gate in GATE_GRID:
        for clause in CLAUSE_GRID:
            for step in range(30, 96, 3):
                limits = thresholds_for(step / 100, clause, gate)
                screen.model.thresholds = limits
                flagged = [crisis(screen.screen(e.text)) for e in dev]
                pairs = list(zip(flagged, risk_ok, strict=True))
                hits = sum(f and r for f, r in pairs) / positives
                false = sum(f and not r for f, r in pairs) / negatives
                if false <= MAX_DEV_FPR and (best is None or (hits, -false) > best[:2]):
                    best = (hits, -false, limits)
    return best[2] if best is not None else thresholds_for(0.95, 0.99, 0.9)


def train(root: Path, *, sealed: bool = False, out: Path | None = None) -> list[str]:
    """Build the model file; returns the report lines (dev and, with ``sealed``, sealed test)."""
    from bot.catalog import risk as risk_catalog

    train_rows, dev = load_corpus(root)
    lexicon = LexiconScreen.from_lexicons(risk_catalog.load(root / "content"))
    lines = [f"train {len(train_rows)} messages, dev {len(dev)} (1 in {DEV_EVERY} by text hash)"]
    base = {"format": FORMAT, "classes": list(CLASSES), "groups": CLASS_GROUPS, "seed": SEED}
    best: tuple[float, float, dict[str, np.ndarray]] | None = None
    for c_value in C_GRID:  # choose C by dev log-loss of P(risk)
        arrays = fit(train_rows, c_value, lexicon)
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
            best = (c_value, loss, arrays)
    assert best is not None
    arrays = best[2]
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
