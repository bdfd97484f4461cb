"""Matching weights and rules: content/matching.yaml (programme-tunable, validated at start)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import Field, StringConstraints, field_validator, model_validator

from bot.catalog._base import StrictModel, load_yaml_model

FILE_NAME = "matching.yaml"

Key = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=40)]
Weight = Annotated[float, Field(ge=0, le=1000)]


class Weights(StrictModel):
    """Points for each soft factor (the maximum score is their sum)."""

    base: Weight
    focus_overlap: Weight
    age_band: Weight
    timezone: Weight
    checkin_window: Weight
    waiting_time: Weight

    @property
    def total(self) -> float:
        """The best possible score."""
        return sum(self.model_dump().values())


class PreferenceRule(StrictModel):
    """A preference a mentee may state, and which mentor value it is compared with."""

    mentor_key: Key
    any_values: list[str] = Field(default_factory=list)


class MatchingConfig(StrictModel):
    """Everything content/matching.yaml holds."""

    weights: Weights
    age_bands: list[Annotated[str, StringConstraints(min_length=1, max_length=20)]] = Field(
        min_length=1
    )
    age_band_closeness: list[Annotated[float, Field(ge=0, le=1)]] = Field(min_length=1)
    timezone_zero_hours: float = Field(gt=0, le=26)
    waiting_full_days: float = Field(gt=0, le=3650)
    preferences: dict[Key, PreferenceRule] = Field(default_factory=dict)
    suggest_batch: int = Field(ge=1, le=50)
    intro_reminder_days: int = Field(ge=1, le=60)
    fit_check_days: int = Field(ge=1, le=60)
    end_reminder_days: int = Field(ge=1, le=120)

    @field_validator("age_bands")
    @classmethod
    def _distinct_bands(cls, value: list[str]) -> list[str]:
        """Age bands are listed once each."""
        if len(set(value)) != len(value):
            raise ValueError("age bands must be distinct")
        return value

    @model_validator(mode="after")
    def _weights_positive(self) -> MatchingConfig:
        """At least the base weight is positive, so every allowed pair scores above zero."""
        if self.weights.base <= 0:
            raise ValueError("weights.base must be above 0 (it marks a pair as possible)")
        return self


def load(content_dir: Path) -> MatchingConfig:
    """Read and validate content_dir/matching.yaml."""
    return load_yaml_model(MatchingConfig, content_dir / FILE_NAME, content_dir)
