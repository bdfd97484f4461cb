"""bot/core/words.py: plurals, relative times, dates and lists in en and es (Babel)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.core import words

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_relative_times() -> None:
    assert words.ago("en", NOW - timedelta(minutes=7110), NOW) == "5 days ago"
    assert words.ago("es", NOW - timedelta(minutes=7110), NOW) == "hace 5 días"
    assert words.ago("en", NOW - timedelta(seconds=20), NOW) == "just now"
    assert words.ago("es", NOW - timedelta(minutes=3), NOW) == "hace 3 minutos"


def test_plurals_dates_lists_and_names() -> None:
    assert (words.days("en", 1), words.days("en", 5)) == ("1 day", "5 days")
    assert (words.days("es", 1), words.days("es", 5)) == ("1 día", "5 días")
    assert words.hours("en", 48) == "48 hours" and words.minutes("es", 1) == "1 minuto"
    assert words.moment("en", NOW, "Europe/Madrid") == "Mon 2 Mar, 10:00"
    assert words.moment("es", NOW, "Europe/Madrid") == "lun 2 mar, 10:00"
    assert words.listing("es", ["Duelo", "Ansiedad"]) == "Duelo y Ansiedad"
    assert (
        words.country_name("es", "MX") == "México" and words.language_name("en", "es") == "Spanish"
    )
    assert (words.plural_form("en", 1), words.plural_form("es", 3)) == ("one", "other")
