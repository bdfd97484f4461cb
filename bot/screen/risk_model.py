"""The trained risk classifier: loading content/risk/model.npz and scoring text (numpy only).

The file is a plain NumPy archive read with ``allow_pickle=False``: the vocabulary (UTF-8,
one n-gram a line), IDF weights, a coefficient matrix (one column per class), intercepts and a
JSON header (classes, thresholds chosen on held-out files, per language, how it was trained). It is written by
``python -m bot train-risk`` (bot/screen/risk_train.py). A missing or unreadable file is a
``ModelError`` naming it: the lexicon alone must never silently become the only screen.
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from bot.screen.risk_features import Vectoriser

MODEL_FILE = "risk/model.npz"
FORMAT = 1
RISK_CLASSES = ("self", "danger", "imminent")
REQUIRED = ("vocabulary", "idf", "coef", "intercept", "meta")


class ModelError(Exception):
    """The risk model file is missing or unreadable."""


@dataclass(frozen=True)
class Thresholds:
    """Score cut-offs chosen on held-out authors' files (bot/screen/risk_train.py)."""

    concern: float  # P(risk) of the whole message at or above this gets the crisis lines
    high: float  # ... and at or above this the full crisis path
    clause: float  # the bar for one clause alone (risk in the middle of ordinary news)
    recent: float  # lower bar when the member had a concern in the last 24 hours
    lexicon_gate: float  # a lexicon phrase gets the crisis reply when P(risk) reaches this


class RiskModel:
    """Multinomial logistic regression over n-gram features; P(risk) = P(self+danger+imminent)."""

    def __init__(self, arrays: dict[str, np.ndarray], name: str = MODEL_FILE) -> None:
        meta = json.loads(bytes(arrays["meta"]).decode("utf-8"))
        if meta.get("format") != FORMAT:
            raise ModelError(f"{name}: unknown model format {meta.get('format')!r}")
        vocabulary = bytes(arrays["vocabulary"]).decode("utf-8").split("\n")
        # Widened from the stored float16 once (exact): widening the rows each message uses
        # instead would save ~4 MB but cost ~8% of the screen's time, and speed matters more here.
        self.coef = np.asarray(arrays["coef"], dtype=np.float32)
        self.intercept = np.asarray(arrays["intercept"], dtype=np.float64)
        idf = np.asarray(arrays["idf"], dtype=np.float64)
        self.classes: tuple[str, ...] = tuple(meta["classes"])
        if self.coef.shape != (len(vocabulary), len(self.classes)) or len(idf) != len(vocabulary):
            raise ModelError(f"{name}: the arrays do not fit together")
        self.meta: dict[str, Any] = meta
        self.thresholds = Thresholds(**meta["thresholds"])
        # English and Spanish may have their own (an unknown language gets the default ones).
        self.by_language = {
            language: Thresholds(**values)
            for language, values in sorted(meta.get("language_thresholds", {}).items())
        }
        self.vectoriser = Vectoriser(vocabulary, idf.tolist())
        # Each class belongs to a group (self, danger, imminent, framed, mentor, ok).
        groups = meta.get("groups") or {name: name for name in self.classes}
        self._groups = {
            group: np.array([groups[c] == group for c in self.classes])
            for group in sorted(set(groups.values()))
        }
        self._risk = np.array([groups[c] in RISK_CLASSES for c in self.classes])
        self._group_names = sorted(self._groups)
        self._group_matrix = np.array(
            [self._groups[name] for name in self._group_names], dtype=np.float64
        ).T
        self.memo: dict[str, np.ndarray] | None = None  # training only: the bot keeps no text

    @classmethod
    def load(cls, path: Path, name: str | None = None) -> RiskModel:
        """Read a model file; ModelError names the file when it is missing or corrupt."""
        label = name or str(path)
        if not path.is_file():
            raise ModelError(
                f"{label}: the risk model file is missing (run: python -m bot train-risk)"
            )
        try:
            with np.load(io.BytesIO(path.read_bytes()), allow_pickle=False) as archive:
                arrays = {key: archive[key] for key in REQUIRED}
            return cls(arrays, label)
        except ModelError:
            raise
        except (OSError, ValueError, KeyError, TypeError, zipfile.BadZipFile) as exc:
            raise ModelError(f"{label}: the risk model file is unreadable ({exc})") from None

    def limits(self, language: str) -> Thresholds:
        """The thresholds for a message in ``language``."""
        return self.by_language.get(language, self.thresholds)

    def probabilities(self, normalised: str) -> np.ndarray:
        """Class probabilities for one normalised text."""
        if self.memo is not None and normalised in self.memo:
            return self.memo[normalised]
        indices, values = self.vectoriser.transform(normalised)
        scores = self.intercept.copy()
        if len(indices):
            scores += values @ self.coef[indices]
        scores -= scores.max()
        exp = np.exp(scores)
        found = exp / exp.sum()
        if self.memo is not None:
            self.memo[normalised] = found
        return found

    def unit_probabilities(self, words: list[str], spans: list[tuple[int, int]]) -> np.ndarray:
        """Class probabilities of several word spans of one message (one row per span)."""
        key = None
        if self.memo is not None:
            key = f"{spans}|{' '.join(words)}"
            if key in self.memo:
                return self.memo[key]
        units, indices, values = self.vectoriser.transform_units(words, spans)
        scores = np.tile(self.intercept, (len(spans), 1))
        if len(indices):
            present, first = np.unique(units, return_index=True)
            weighted = self.coef[indices] * values.astype(np.float32)[:, None]
            scores[present] += np.add.reduceat(weighted, first, axis=0)
        scores -= scores.max(axis=1, keepdims=True)
        exp = np.exp(scores)
        found = exp / exp.sum(axis=1, keepdims=True)
        if key is not None and self.memo is not None:
            self.memo[key] = found
        return found

    def groups(self, probabilities: np.ndarray) -> dict[str, float]:
        """Probability of every group at once (one product: cheaper than one ``p`` per group)."""
        return dict(
            zip(self._group_names, (probabilities @ self._group_matrix).tolist(), strict=True)
        )

    def risk(self, probabilities: np.ndarray) -> float:
        """P(risk) from class probabilities."""
        return float(probabilities[self._risk].sum())

    def p(self, probabilities: np.ndarray, group: str) -> float:
        """Probability of one group of classes (0.0 if the model has no such group)."""
        mask = self._groups.get(group)
        return float(probabilities[mask].sum()) if mask is not None else 0.0


def write_model(path: Path, arrays: dict[str, np.ndarray]) -> None:
    """Write an .npz byte for byte the same for the same arrays (fixed zip timestamps)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for key in sorted(arrays):
            data = io.BytesIO()
            np.lib.format.write_array(data, np.ascontiguousarray(arrays[key]), allow_pickle=False)
            info = zipfile.ZipInfo(f"{key}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data.getvalue(), compresslevel=9)
    path.write_bytes(buffer.getvalue())


def meta_array(meta: dict[str, Any]) -> np.ndarray:
    """The JSON header as a uint8 array (sorted keys: stable bytes)."""
    return np.frombuffer(json.dumps(meta, sort_keys=True).encode("utf-8"), dtype=np.uint8)
