"""Relay boundaries and dependency/burnout signal thresholds: content/relay.yaml."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import Field

from bot.catalog._base import StrictModel, load_yaml_model

FILE_NAME = "relay.yaml"
HhMm = Annotated[str, Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")]


Phrases = dict[str, list[Annotated[str, Field(min_length=2)]]]


class Boundaries(StrictModel):
    """Meeting phrases per language (other kinds of personal detail are found by code)."""

    meeting_phrases: Phrases
    meeting_with_partner: Phrases = Field(default_factory=dict)
    partner_words: Phrases = Field(default_factory=dict)
    not_meeting: Phrases = Field(default_factory=dict)


class SignalThresholds(StrictModel):
    """When a pair's week of relay metadata is worth a coordinator's look."""

    night_start: HhMm = "23:00"
    night_end: HhMm = "06:00"
    max_messages_one_way: int = Field(default=60, ge=1)
    max_imbalance_ratio: float = Field(default=4.0, gt=1)
    max_share_into_quiet: float = Field(default=0.4, gt=0, le=1)
    min_for_share: int = Field(default=10, ge=1)
    max_mentor_night_messages: int = Field(default=5, ge=0)


class RelayContent(StrictModel):
    """Everything in content/relay.yaml."""

    boundaries: Boundaries
    signals: SignalThresholds = SignalThresholds()


def load(content_dir: Path) -> RelayContent:
    """Read and validate content_dir/relay.yaml."""
    return load_yaml_model(RelayContent, content_dir / FILE_NAME, content_dir)
