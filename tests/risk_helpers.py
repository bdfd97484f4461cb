"""A tiny, hand-made risk model, so the screen's tier logic is tested apart from trained weights."""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np

from bot.catalog import risk as risk_catalog
from bot.screen.risk import RiskScreen
from bot.screen.risk_model import RiskModel, Thresholds, meta_array

CONTENT = Path(__file__).resolve().parents[1] / "content"
CLASSES = ("danger", "framed", "imminent", "mentor", "ok", "self")
# word -> (class, weight): each known word pushes its class; everything else is unknown.
WORDS = {
    "die": ("self", 8.0),
    "morir": ("self", 8.0),
    "bridge": ("imminent", 9.0),
    "hits": ("danger", 8.0),
    "mentee": ("mentor", 6.0),
    "cake": ("ok", 3.0),
    "low": ("self", 2.2),
}
LIMITS = Thresholds(concern=0.6, high=0.8, clause=0.9, recent=0.3, lexicon_gate=0.2)


def tiny_model(limits: Thresholds = LIMITS) -> RiskModel:
    """P(risk) is high for "die", "bridge", "hits"; "low" alone is about 0.5; "cake" is ordinary."""
    terms = sorted(f"={word}" for word in WORDS)
    coef = np.zeros((len(terms), len(CLASSES)), dtype=np.float32)
    for row, term in enumerate(terms):
        name, weight = WORDS[term[1:]]
        coef[row, CLASSES.index(name)] = weight
    intercept = np.zeros(len(CLASSES), dtype=np.float32)
    intercept[CLASSES.index("ok")] = 2.0
    meta = {"format": 1, "classes": list(CLASSES), "thresholds": vars(limits)}
    return RiskModel(
        {
            "vocabulary": np.frombuffer("\n".join(terms).encode(), dtype=np.uint8),
            "idf": np.ones(len(terms), dtype=np.float32),
            "coef": coef,
            "intercept": intercept,
            "meta": meta_array(meta),
        }
    )


@functools.cache
def tiny_screen() -> RiskScreen:
    """The shipped lexicons with the tiny model."""
    return RiskScreen.from_lexicons(risk_catalog.load(CONTENT), tiny_model())
