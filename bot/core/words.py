"""Numbers, durations and dates as words in the reader's language (Babel's CLDR data).

"5 days ago" instead of "7110 min ago", "1 day" instead of "1 days", "hace 2 horas" in Spanish,
"grief and low mood" instead of "grief, low_mood". Pure: no Telegram, no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_datetime, format_timedelta
from babel.lists import format_list
from babel.units import format_unit

_JUST_NOW = {"en": "just now", "es": "ahora mismo"}


def _locale(language: str) -> Locale:
    return Locale.parse(language if language in _JUST_NOW else "en")


def ago(language: str, then: datetime, now: datetime) -> str:
    """How long ago, rounded to a sensible unit: "5 days ago", "hace 2 horas", "just now"."""
    delta = then - now
    if abs(delta) < timedelta(minutes=1):
        return _JUST_NOW.get(language, _JUST_NOW["en"])
    return format_timedelta(
        delta, add_direction=True, locale=_locale(language), granularity="minute"
    )


def duration(language: str, amount: timedelta) -> str:
    """A length of time rounded to a sensible unit: "5 days", "2 hours", "3 minutos"."""
    if abs(amount) < timedelta(minutes=1):
        return minutes(language, 0)
    return format_timedelta(amount, locale=_locale(language), granularity="minute")


def _in_unit(language: str, count: int, unit: str) -> str:
    """Exactly this many of one unit ("90 minutes", not "2 hours"), plural right."""
    return format_unit(count, f"duration-{unit}", length="long", locale=_locale(language))


def days(language: str, count: int) -> str:
    """ "1 day", "5 days", "1 día", "5 días"."""
    return _in_unit(language, count, "day")


def hours(language: str, count: int) -> str:
    """ "1 hour", "48 hours"."""
    return _in_unit(language, count, "hour")


def minutes(language: str, count: int) -> str:
    """ "1 minute", "12 minutes"."""
    return _in_unit(language, count, "minute")


def weeks(language: str, count: int) -> str:
    """ "1 week", "12 weeks", "12 semanas"."""
    return _in_unit(language, count, "week")


def moment(language: str, value: datetime, zone: str = "UTC", *, with_day: bool = True) -> str:
    """A date and time in the reader's words: "Mon 16 Mar, 10:00", "lun 16 mar, 10:00"."""
    local = value.astimezone(ZoneInfo(zone))
    pattern = "EEE d MMM, HH:mm" if with_day else "HH:mm"
    return format_datetime(local, pattern, locale=_locale(language))


def plural_form(language: str, count: int) -> str:
    """CLDR plural category of a number: "one" or "other" (en, es)."""
    return str(_locale(language).plural_form(count))


def listing(language: str, items: Iterable[str]) -> str:
    """ "grief, anxiety and low mood" / "duelo, ansiedad y ánimo bajo"."""
    values = [item for item in items if item]
    return format_list(values, locale=_locale(language)) if values else ""


def language_name(language: str, code: str | None) -> str:
    """ "es" -> "Spanish" (in English) / "español" (in Spanish); the code if unknown."""
    if not code:
        return "-"
    return str(_locale(language).languages.get(code, code))


def country_name(language: str, code: str | None) -> str:
    """ "MX" -> "Mexico" / "México"; "ZZ" or unknown -> the code."""
    if not code:
        return "-"
    return str(_locale(language).territories.get(code.upper(), code))
