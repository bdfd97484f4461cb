"""Choices offered when joining and in /settings: content/intake.yaml."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator, model_validator

from bot.catalog._base import SHIPPED_LANGUAGES, Localized, StrictModel, load_yaml_model
from bot.catalog.training import html_problem

FILE_NAME = "intake.yaml"
OptionId = Annotated[str, Field(pattern=r"^[a-z0-9_+-]+$", min_length=1, max_length=20)]
HHMM = re.compile(r"^(?:[01]\d|2[0-3]):[0-5]\d$")
LABEL_MAX_CHARS = 32


class Option(StrictModel):
    """One button choice: a stored id and its label in every language."""

    id: OptionId
    label: Localized

    @field_validator("label")
    @classmethod
    def _label_fits_button(cls, value: Localized) -> Localized:
        """Labels are buttons: non-blank, at most 32 characters."""
        for language in SHIPPED_LANGUAGES:
            text = getattr(value, language).strip()
            if not text or len(text) > LABEL_MAX_CHARS:
                raise ValueError(f"{language}: needs 1-{LABEL_MAX_CHARS} characters")
        return value


def _unique(options: list[Option]) -> list[Option]:
    """Ids are unique within a list."""
    ids = [option.id for option in options]
    if len(ids) != len(set(ids)):
        raise ValueError("ids must be unique within the list")
    return options


def _times(values: list[str]) -> list[str]:
    """Times are HH:MM, 24-hour."""
    for value in values:
        if not HHMM.match(value):
            raise ValueError(f"{value!r} is not a 24-hour HH:MM time")
    return values


class IntakeCatalog(StrictModel):
    """Everything a member can pick when joining or in /settings."""

    age_bands: list[Option] = Field(min_length=2)
    languages: list[Option] = Field(min_length=1, max_length=24)
    focus_areas: list[Option] = Field(min_length=2, max_length=24)
    genders: list[Option] = Field(min_length=1, max_length=8)
    partner_genders: list[Option] = Field(min_length=1, max_length=8)
    timezones: list[str] = Field(min_length=1, max_length=40)
    checkin_times: list[str] = Field(min_length=1, max_length=12)
    quiet_starts: list[str] = Field(min_length=1, max_length=8)
    quiet_ends: list[str] = Field(min_length=1, max_length=8)
    country_names_es: dict[str, str] = Field(default_factory=dict)
    mentor_code: Localized

    @field_validator("age_bands", "languages", "focus_areas", "genders", "partner_genders")
    @classmethod
    def _ids_unique(cls, value: list[Option]) -> list[Option]:
        """Ids are unique within each list."""
        return _unique(value)

    @field_validator("checkin_times", "quiet_starts", "quiet_ends")
    @classmethod
    def _hhmm(cls, value: list[str]) -> list[str]:
        """Times are HH:MM, 24-hour."""
        return _times(value)

    @field_validator("timezones")
    @classmethod
    def _known_zones(cls, value: list[str]) -> list[str]:
        """Every zone is a real IANA zone."""
        for zone in value:
            try:
                ZoneInfo(zone)
            except (ZoneInfoNotFoundError, ValueError):
                raise ValueError(f"{zone!r} is not a known IANA time zone") from None
        return value

    @field_validator("mentor_code")
    @classmethod
    def _code_html(cls, value: Localized) -> Localized:
        """The code is Telegram HTML limited to <b>/<i>, never blank."""
        for language in SHIPPED_LANGUAGES:
            text = getattr(value, language)
            problem = html_problem(text) if text.strip() else "text is empty"
            if problem:
                raise ValueError(f"{language}: {problem}")
        return value

    @model_validator(mode="after")
    def _partner_genders_known(self) -> IntakeCatalog:
        """A partner-gender preference other than 'any' names a gender members can pick."""
        genders = {option.id for option in self.genders}
        for option in self.partner_genders:
            if option.id != "any" and option.id not in genders:
                raise ValueError(f"partner_genders: {option.id!r} is not one of the genders")
        return self

    def options(self, kind: str) -> list[Option]:
        """The option list called `kind` (age_bands, languages, focus_areas, ...)."""
        options: list[Option] = getattr(self, kind)
        return options

    def label(self, kind: str, option_id: str, language: str) -> str:
        """The label of an option id, or the id itself if it was removed from the file."""
        for option in self.options(kind):
            if option.id == option_id:
                return option.label.get(language)
        return option_id


def load(content_dir: Path) -> IntakeCatalog:
    """Read and validate content_dir/intake.yaml."""
    return load_yaml_model(IntakeCatalog, content_dir / FILE_NAME, content_dir)
