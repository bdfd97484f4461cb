"""Crisis lines and emergency numbers by country: content/crisis.yaml."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, StringConstraints, field_validator, model_validator

from bot.catalog._base import SHIPPED_LANGUAGES, Localized, StrictModel, load_yaml_model

FILE_NAME = "crisis.yaml"

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
HttpsUrl = Annotated[str, StringConstraints(pattern=r"^https://[^\s/?#]+\.[^\s/?#]+\S*$")]
PhoneNumber = Annotated[str, StringConstraints(pattern=r"^[+*#(]?[0-9][0-9 ()\-]{0,24}$")]
EmergencyNumber = Annotated[str, StringConstraints(pattern=r"^[0-9]{2,4}$")]
LanguageCode = Annotated[str, StringConstraints(pattern=r"^[a-z]{2}$")]
CountryCode = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]
"""ISO 3166-1 alpha-2, upper case (e.g. "US", "GB")."""


class CrisisLine(StrictModel):
    """One helpline a person in crisis can reach by phone, text or chat."""

    name: Text
    phone: PhoneNumber | None = None
    sms: Text | None = None
    chat_url: HttpsUrl | None = None
    website: HttpsUrl | None = None
    hours: Text
    languages: list[LanguageCode] = Field(min_length=1)
    unverified: bool = False

    @model_validator(mode="after")
    def _reachable(self) -> CrisisLine:
        """A line nobody can contact is no help: it needs a phone, text or chat."""
        if not (self.phone or self.sms or self.chat_url):
            raise ValueError("a line needs at least one of phone, sms or chat_url")
        return self


class DangerLine(CrisisLine):
    """A line for someone in danger from another person: violence at home, a child at risk.

    Each carries its own source and check date: these services change more often than the
    national crisis lines, and a wrong number here can cost more than time.
    """

    topic: Literal["domestic_violence", "child_protection"]
    source: HttpsUrl
    last_verified: datetime.date | None = None

    @model_validator(mode="after")
    def _dated(self) -> DangerLine:
        """A line shown without a caution must say when it was last checked."""
        if not self.unverified and self.last_verified is None:
            raise ValueError("a verified danger line needs last_verified (or unverified: true)")
        return self


class CountryCrisis(StrictModel):
    """Emergency number and crisis lines for one country."""

    name: Text
    emergency: EmergencyNumber
    lines: list[CrisisLine] = Field(min_length=1)
    danger_lines: list[DangerLine] = Field(default_factory=list)
    source: HttpsUrl
    last_verified: datetime.date
    timezone: Text

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        """The suggested zone must be a real IANA zone, e.g. "Europe/Madrid"."""
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"{value!r} is not a known IANA time zone") from None
        return value


class InternationalResource(StrictModel):
    """A directory that lists helplines in many countries."""

    name: Text
    url: HttpsUrl
    description: Localized

    @field_validator("description")
    @classmethod
    def _described(cls, value: Localized) -> Localized:
        """Every shipped language has a description."""
        for language in SHIPPED_LANGUAGES:
            if not getattr(value, language).strip():
                raise ValueError(f"{language}: text is empty")
        return value


class CrisisDirectory(StrictModel):
    """Every country's crisis lines, plus international directories for everywhere else."""

    last_reviewed: datetime.date
    international: list[InternationalResource] = Field(min_length=1)
    countries: dict[CountryCode, CountryCrisis] = Field(min_length=1)

    def for_country(self, code: str | None) -> CountryCrisis | None:
        """The entry for an ISO country code in any case, or None when unknown or missing."""
        if not code:
            return None
        return self.countries.get(code.strip().upper())


def load(content_dir: Path) -> CrisisDirectory:
    """Read and validate content_dir/crisis.yaml."""
    return load_yaml_model(CrisisDirectory, content_dir / FILE_NAME, content_dir)
