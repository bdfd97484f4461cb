"""Every locale has every key with the same placeholders, and templates render safely."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.catalog import locales
from bot.catalog._base import ContentError
from bot.content import default_content_dir
from bot.core.i18n import Translator
from bot.sandbox.html_check import parse_html


def test_shipped_locales_match_english_key_for_key() -> None:
    loaded = locales.load(default_content_dir())
    assert set(loaded) >= {"en", "es"}
    for language, texts in loaded.items():
        assert texts.keys() == loaded["en"].keys(), language
        for key, template in texts.items():
            assert locales.placeholders(template) == locales.placeholders(loaded["en"][key])


def test_every_template_is_valid_telegram_html_when_filled() -> None:
    loaded = locales.load(default_content_dir())
    t = Translator(loaded)
    for language, texts in loaded.items():
        for key, template in texts.items():
            params = {name: "<&'\">" for name in locales.placeholders(template)}
            parse_html(t(language, key, **params))  # raises if Telegram could not parse it


def test_missing_key_and_placeholder_mismatch_are_reported(tmp_path: Path) -> None:
    root = tmp_path / "content"
    shutil.copytree(default_content_dir() / "locales", root / "locales")
    spanish = root / "locales" / "es" / "start.yaml"
    text = spanish.read_text("utf-8").replace("{alias}", "{nombre}")
    spanish.write_text(text.replace("agree:", "agreee:"), "utf-8")
    with pytest.raises(ContentError) as caught:
        locales.load(root)
    messages = [str(problem) for problem in caught.value.problems]
    assert any("start.agree" in m and "missing" in m for m in messages)
    assert any("start.welcome_back" in m and "placeholders" in m for m in messages)


def test_values_are_escaped_and_unknown_language_falls_back() -> None:
    t = Translator({"en": {"a.b": "Hi <b>{name}</b>"}, "es": {"a.b": "Hola <b>{name}</b>"}})
    assert t("es", "a.b", name="<script>&") == "Hola <b>&lt;script&gt;&amp;</b>"
    assert t("fr", "a.b", name="x") == "Hi <b>x</b>"
    assert t.language_for("es-MX") == "es" and t.language_for("de") == "en"


def test_no_hard_line_break_in_the_middle_of_a_sentence() -> None:
    """A line that ends mid-sentence (a letter, comma or semicolon) must not be followed by more
    of the same sentence on the next line: Telegram shows the break as typed."""
    import itertools
    import re

    from bot.content import load_content

    found = []
    for language, texts in load_content().locales.items():
        for key, text in texts.items():
            lines = text.split("\n")
            for first, second in itertools.pairwise(lines):
                if (
                    re.search(r"[\w,;]$", first.rstrip())
                    and second.strip()
                    and not second.lstrip().startswith(("•", "-", "<", "{", "📞"))
                ):
                    found.append(f"{language}:{key}: {first[-30:]!r}")
    assert not found, found
