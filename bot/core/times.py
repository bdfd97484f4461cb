"""Times and places as people type them, in English and Spanish. Pure: no Telegram, no I/O
beyond reading the time-zone tables that ship with the tzdata package.

- `parse_time`: "5pm", "5:30 pm", "17h", "17h30", "17.30", "noon", "a las 5 de la tarde",
  "las 8 y media" -> "HH:MM" (24-hour), or None when it cannot be read for sure.
- `country_zones`: the IANA zones of a country (tzdata's zone.tab, zone1970.tab as a fallback).
- `find_zone`: an IANA name in any case, or a city ("Caracas", "ciudad de mexico") -> zone.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from importlib import resources
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

_NUMBER_WORDS = {"noon": "12", "midday": "12", "mediodia": "12", "midnight": "0", "medianoche": "0"}
_AFTERNOON = (
    "pm",
    "p m",
    "de la tarde",
    "de la noche",
    "por la tarde",
    "por la noche",
    "in the afternoon",
    "in the evening",
    "at night",
    "tonight",
    "evening",
)
_MORNING = ("am", "a m", "de la manana", "por la manana", "de la madrugada", "in the morning")
_FILLER = re.compile(
    r"\b(a las|a la|las|la|at|around|about|sobre|hacia|o clock|en punto|"
    r"hs|hrs|horas|hours|h)\b"
)
_CLOCK = re.compile(r"^(\d{1,2})(?:\s*[:.h]\s*(\d{2}))?$")
_SPANISH_FRACTIONS = {"y media": 30, "y cuarto": 15, "menos cuarto": -15}
# A few cities people name in Spanish (or without the zone's spelling); zone city names
# ("Caracas", "Mexico City", "Buenos Aires") are found without any list.
CITY_ALIASES = {
    "nueva york": "America/New_York",
    "ciudad de mexico": "America/Mexico_City",
    "cdmx": "America/Mexico_City",
    "df": "America/Mexico_City",
    "londres": "Europe/London",
    "paris": "Europe/Paris",
    "berlin": "Europe/Berlin",
    "roma": "Europe/Rome",
    "lisboa": "Europe/Lisbon",
    "barcelona": "Europe/Madrid",
    "sevilla": "Europe/Madrid",
    "valencia": "Europe/Madrid",
    "quito": "America/Guayaquil",
    "medellin": "America/Bogota",
    "cali": "America/Bogota",
    "guadalajara": "America/Mexico_City",
    "monterrey": "America/Monterrey",
    "san francisco": "America/Los_Angeles",
    "los angeles": "America/Los_Angeles",
    "washington": "America/New_York",
    "boston": "America/New_York",
    "miami": "America/New_York",
    "houston": "America/Chicago",
    "dallas": "America/Chicago",
    "seattle": "America/Los_Angeles",
    "san juan": "America/Puerto_Rico",
    "san jose": "America/Costa_Rica",
    "ciudad de guatemala": "America/Guatemala",
    "ciudad de panama": "America/Panama",
    "santo domingo": "America/Santo_Domingo",
    "islas canarias": "Atlantic/Canary",
    "canarias": "Atlantic/Canary",
    "tenerife": "Atlantic/Canary",
    "las palmas": "Atlantic/Canary",
    "sidney": "Australia/Sydney",
    "edimburgo": "Europe/London",
    "dublin": "Europe/Dublin",
    "toronto": "America/Toronto",
    "vancouver": "America/Vancouver",
    "montreal": "America/Toronto",
}


def _plain(text: str) -> str:
    """Lowercase, accents removed, punctuation to spaces, single spaces."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    return " ".join(re.sub(r"[^a-z0-9:.]+", " ", plain).split())


def parse_time(text: str) -> str | None:
    """A time of day typed in en or es -> 'HH:MM' (24-hour), else None."""
    plain = _plain(text).replace("a.m.", "am").replace("p.m.", "pm").rstrip(".")
    plain = re.sub(r"(\d)\s*(am|pm)\b", r"\1 \2", plain)
    plain = re.sub(r"\b([ap])\.? ?m\b\.?", r"\1m", plain)
    if not plain or len(plain) > 40:
        return None
    half = ""
    for words in sorted(_AFTERNOON + _MORNING, key=len, reverse=True):
        if re.search(rf"(^|\s){re.escape(words)}$", plain):
            half = "pm" if words in _AFTERNOON else "am"
            plain = plain[: -len(words)].strip()
            break
    shift = 0
    for words, minutes in _SPANISH_FRACTIONS.items():
        if plain.endswith(" " + words):
            shift, plain = minutes, plain[: -len(words)].strip()
            break
    for word, number in _NUMBER_WORDS.items():
        plain = re.sub(rf"\b{word}\b", number, plain)
    plain = re.sub(r"(\d)h(\d{2})\b", r"\1:\2", plain)  # "17h30"
    plain = re.sub(r"(\d)h\b", r"\1", plain)  # "17h"
    plain = " ".join(_FILLER.sub(" ", plain).split())
    match = _CLOCK.match(plain)
    if not match:
        return None
    hours, minutes = int(match.group(1)), int(match.group(2) or 0)
    if minutes > 59 or hours > 23 or (match.group(2) is not None and len(match.group(2)) != 2):
        return None
    if half:
        if not 1 <= hours <= 12:
            return None  # "17 pm", "0 am": contradictory, so ask again rather than guess
        hours = hours % 12 + (12 if half == "pm" else 0)
        if half == "pm" and hours == 12 and "noche" in _plain(text):
            hours = 0  # "las 12 de la noche" is midnight
    total = (hours * 60 + minutes + shift) % (24 * 60)
    return f"{total // 60:02d}:{total % 60:02d}"


@cache
def _zone_table() -> dict[str, tuple[str, ...]]:
    """Country code -> its zones, from tzdata's zone.tab (zone1970.tab fills any gaps)."""
    table: dict[str, list[str]] = {}
    folder = resources.files("tzdata.zoneinfo")
    for name in ("zone.tab", "zone1970.tab"):
        seen = set(table)
        for line in folder.joinpath(name).read_text(encoding="utf-8").splitlines():
            if not line or line.startswith("#"):
                continue
            fields = line.split("\t")
            for country in fields[0].split(","):
                if country not in seen:
                    table.setdefault(country, [])
                    if fields[2] not in table[country]:
                        table[country].append(fields[2])
    return {country: tuple(sorted(zones)) for country, zones in table.items()}


def country_zones(country: str | None) -> tuple[str, ...]:
    """The IANA zones of a country ('VE' -> ('America/Caracas',)); empty if unknown."""
    return _zone_table().get((country or "").upper(), ())


@cache
def _cities() -> dict[str, tuple[str, ...]]:
    """Plain city name -> zones ending in it ('buenos aires' -> America/Argentina/Buenos_Aires)."""
    cities: dict[str, list[str]] = {}
    for zone in available_timezones():
        if "/" in zone and not zone.startswith(("Etc/", "SystemV/", "US/")):
            city = _plain(zone.rsplit("/", 1)[1].replace("_", " "))
            cities.setdefault(city, []).append(zone)
    return {city: tuple(sorted(zones)) for city, zones in cities.items()}


def _valid(zone: str) -> str | None:
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return zone


def find_zone(text: str, country: str | None = None) -> str | None:
    """An IANA zone from a typed name or city, preferring the member's country; else None."""
    candidate = text.strip().replace(" ", "_")
    if not candidate or len(candidate) > 64:
        return None
    known = {zone.lower(): zone for zone in available_timezones()}
    if candidate.lower() in known:
        return _valid(known[candidate.lower()])
    plain = _plain(text).replace(".", " ").strip()
    if plain in CITY_ALIASES:
        return _valid(CITY_ALIASES[plain])
    zones = _cities().get(plain, ())
    if not zones:
        return None
    local = [zone for zone in zones if zone in country_zones(country)]
    return _valid((local or list(zones))[0])
