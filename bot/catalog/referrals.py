"""Non-crisis support services by country and category: content/referrals.yaml."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal, get_args

from pydantic import Field, StringConstraints, field_validator, model_validator

from bot.catalog._base import SHIPPED_LANGUAGES, Localized, StrictModel, load_yaml_model
from bot.catalog.crisis import CountryCode, HttpsUrl, PhoneNumber, Text

FILE_NAME = "referrals.yaml"

Category = Literal[
    "counselling",
    "substance_use",
    "eating_disorders",
    "lgbtq",
    "youth",
    "family",
    "housing_legal",
]
CATEGORIES: tuple[str, ...] = get_args(Category)

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$", max_length=40)]


def _require_text(value: Localized) -> Localized:
    """Every shipped language has non-blank text."""
    for language in SHIPPED_LANGUAGES:
        if not getattr(value, language).strip():
            raise ValueError(f"{language}: text is empty")
    return value


class Referral(StrictModel):
    """One service a mentee or mentor can be pointed to."""

    id: Slug
    name: Text
    category: Category
    description: Localized
    phone: PhoneNumber | None = None
    website: HttpsUrl | None = None
    hours: Text | None = None
    unverified: bool = False

    @field_validator("description")
    @classmethod
    def _described(cls, value: Localized) -> Localized:
        """Descriptions are shown to members, so none may be blank."""
        return _require_text(value)


class ReferralDirectory(StrictModel):
    """Category labels, national services per country, and the programme's own entries."""

    categories: dict[str, Localized]
    countries: dict[CountryCode, list[Referral]]
    programme: list[Referral] = Field(default_factory=list)

    @field_validator("categories")
    @classmethod
    def _all_categories(cls, value: dict[str, Localized]) -> dict[str, Localized]:
        """Labels exist for exactly the known categories, in every language."""
        missing = [name for name in CATEGORIES if name not in value]
        unknown = [name for name in value if name not in CATEGORIES]
        if missing or unknown:
            raise ValueError(
                f"categories must be exactly {list(CATEGORIES)}; "
                f"missing {missing}, unknown {unknown}"
            )
        for label in value.values():
            _require_text(label)
        return value

    @model_validator(mode="after")
    def _ids_unique(self) -> ReferralDirectory:
        """A referral id names one entry in the whole file."""
        seen: dict[str, str] = {}
        groups = [
            *((f"countries > {code}", items) for code, items in self.countries.items()),
            ("programme", self.programme),
        ]
        for where, items in groups:
            for referral in items:
                if referral.id in seen:
                    raise ValueError(
                        f"referral id {referral.id!r} in {where} "
                        f"is already used in {seen[referral.id]}"
                    )
                seen[referral.id] = where
        return self

    def for_country(self, code: str | None, category: str | None = None) -> list[Referral]:
        """Country entries then programme entries, optionally only one category."""
        national = self.countries.get(code.strip().upper(), []) if code else []
        entries = [*national, *self.programme]
        if category is None:
            return entries
        return [entry for entry in entries if entry.category == category]

    def label(self, category: str, language: str) -> str:
        """The member-facing name of a category in the given language."""
        return self.categories[category].get(language)


def load(content_dir: Path) -> ReferralDirectory:
    """Read and validate content_dir/referrals.yaml."""
    return load_yaml_model(ReferralDirectory, content_dir / FILE_NAME, content_dir)
