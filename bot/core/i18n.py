"""Rendering member-facing text: templates are trusted HTML, every value put into them is escaped."""

from __future__ import annotations

import html
from typing import Any

# language -> message id ("area.key") -> template; loaded by bot/catalog/locales.py
Locales = dict[str, dict[str, str]]


class Html(str):
    """Text that is already safe HTML (built by us from escaped parts); not escaped again."""

    __slots__ = ()


def escape(value: Any) -> Html:
    """Escape any value for Telegram's HTML parse mode."""
    if isinstance(value, Html):
        return value
    return Html(html.escape(str(value), quote=False))


def attr(value: str) -> Html:
    """Escape a value for use inside an HTML attribute (quotes too)."""
    return Html(html.escape(value, quote=True))


class Translator:
    """Looks up a key in the member's language, falling back to English, and escapes values."""

    def __init__(self, locales: Locales, default_language: str = "en") -> None:
        self.locales = locales
        self.default_language = default_language if default_language in locales else "en"

    @property
    def languages(self) -> list[str]:
        """Languages we ship, English first."""
        return sorted(self.locales, key=lambda code: (code != "en", code))

    def language_for(self, code: str | None) -> str:
        """Best shipped language for a Telegram language_code like 'es-MX'."""
        if code:
            base = code.split("-")[0].lower()
            if base in self.locales:
                return base
        return self.default_language

    def __call__(self, language: str, key: str, **params: Any) -> Html:
        """The text for `key`, with params HTML-escaped (unless already Html)."""
        texts = self.locales.get(language) or self.locales["en"]
        template = texts.get(key) or self.locales["en"].get(key)
        if template is None:
            raise KeyError(f"no text for {key!r}")
        return Html(template.format_map({name: escape(value) for name, value in params.items()}))
