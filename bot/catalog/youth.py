"""Helplines for young people, by country: content/youth.yaml."""

from __future__ import annotations

import datetime
from pathlib import Path

from pydantic import Field

from bot.catalog._base import StrictModel, load_yaml_model
from bot.catalog.crisis import CountryCode, CrisisLine, HttpsUrl, InternationalResource

FILE_NAME = "youth.yaml"


class YouthCountry(StrictModel):
    """One country's helplines for young people, with where they were checked."""

    lines: list[CrisisLine] = Field(min_length=1)
    source: HttpsUrl
    last_verified: datetime.date


class YouthLines(StrictModel):
    """Every country's youth helplines, plus international directories."""

    last_reviewed: datetime.date
    international: list[InternationalResource] = Field(min_length=1)
    countries: dict[CountryCode, YouthCountry] = Field(default_factory=dict)


def load(content_dir: Path) -> YouthLines:
    """Read and validate content_dir/youth.yaml."""
    return load_yaml_model(YouthLines, content_dir / FILE_NAME, content_dir)
