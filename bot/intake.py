"""Joining, as pure logic: the order of intake steps and the checks on what people type.

No Telegram objects here; handlers/intake.py renders the steps and stores the answers.
"""

from __future__ import annotations

import re
import unicodedata
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

import phonenumbers

from bot.risk import RiskResult, RiskScreen

ALIAS_MIN, ALIAS_MAX = 2, 32
OTHER_COUNTRY = "ZZ"  # ISO "unknown or unspecified": crisis help falls back to worldwide lists

# Steps everyone answers, in order; role-specific ones are inserted by `steps_for`.
MENTEE_STEPS = (
    "lang", "role", "alias", "age", "langs", "country", "tz", "focus", "gender", "pref", "day", "time",
    "quiet",
)
MENTOR_STEPS = (
    "lang", "role", "alias", "age", "langs", "country", "tz", "focus", "lived", "cap", "gender", "day",
    "time", "quiet", "code",
)
# Sub-steps reached from a step's "change" choice; they continue with the step after it.
SUB_STEPS = {"tzpick": "tz", "qstart": "quiet", "qend": "quiet"}

_LINK = re.compile(
    r"(?i)(?:https?://|www\.|t\.me/|tg://|\b[\w-]+\.(?:com|org|net|io|me|ly|app|info|co|biz|"
    r"xyz|ru|es|uk|de|fr|gg|link|site|online|gl|be|to)\b)"
)
_HANDLE = re.compile(r"@")
_ANGLE = re.compile(r"[<>]")
_DIGITS = re.compile(r"\d")
_PHONE_REGIONS = ("US", "GB", "ES", "MX", "AR", "DE", "FR", "IN", "BR")


def steps_for(role: str | None) -> tuple[str, ...]:
    """The main steps for a role (mentee until the role is known)."""
    return MENTOR_STEPS if role == "mentor" else MENTEE_STEPS


def next_step(role: str | None, current: str) -> str | None:
    """The step after `current` (a sub-step continues after its parent); None when finished."""
    current = SUB_STEPS.get(current, current)
    steps = steps_for(role)
    index = steps.index(current)
    return steps[index + 1] if index + 1 < len(steps) else None


def step_number(role: str | None, step: str) -> tuple[int, int]:
    """(n, total) for "step n of total" (sub-steps count as their parent)."""
    steps = steps_for(role)
    return steps.index(SUB_STEPS.get(step, step)) + 1, len(steps)


def normalise_alias(text: str) -> str:
    """Trim, fold compatibility characters (fullwidth letters), and collapse whitespace."""
    folded = unicodedata.normalize("NFKC", text)
    return " ".join(folded.split())


def alias_problem(text: str, risk: RiskScreen | None = None) -> str | None:
    """Why an alias cannot be used ("length", "chars", "link", "handle", "phone", "risk"), or None.

    The alias is what a partner sees, so it must not carry contact details, and it must not be
    something that would alarm the partner.
    """
    alias = normalise_alias(text)
    if not ALIAS_MIN <= len(alias) <= ALIAS_MAX:
        return "length"
    if _ANGLE.search(alias) or any(unicodedata.category(c).startswith("C") for c in alias):
        return "chars"
    if _LINK.search(alias):
        return "link"
    if _HANDLE.search(alias):
        return "handle"
    if looks_like_phone(alias):
        return "phone"
    if risk is not None and _alarming(risk.screen(alias)):
        return "risk"
    return None


def _alarming(result: RiskResult | None) -> bool:
    """Any lexicon phrase, or a model finding it is very sure of: a name is two or three words,
    too little for the model ("Hope" and "Bye Felicia" are fine names; "Death Wish" is not)."""
    if result is None:
        return False
    return result.source == "lexicon" or (result.source == "model" and result.score >= 0.95)


def looks_like_phone(text: str) -> bool:
    """A phone number in any common format (phonenumbers), or 7+ digits however spaced."""
    if len(_DIGITS.findall(text)) >= 7:
        return True
    for region in _PHONE_REGIONS:
        matcher = phonenumbers.PhoneNumberMatcher(text, region, phonenumbers.Leniency.POSSIBLE)
        if matcher.has_next():
            return True
    return False


_TIME = re.compile(r"^\s*(\d{1,2})(?:\s*[:.h]\s*(\d{2})?)?\s*$", re.IGNORECASE)


def parse_time(text: str) -> str | None:
    """'7', '7:30', '07.30', '19h' or '19:05' -> 'HH:MM' (24-hour), else None."""
    match = _TIME.match(text)
    if not match:
        return None
    hours, minutes = int(match.group(1)), int(match.group(2) or 0)
    if hours > 23 or minutes > 59:
        return None
    return f"{hours:02d}:{minutes:02d}"


def parse_timezone(text: str) -> str | None:
    """A typed IANA zone name ('europe/madrid' works too), else None."""
    candidate = text.strip().replace(" ", "_")
    if not candidate or len(candidate) > 64:
        return None
    known = {zone.lower(): zone for zone in available_timezones()}
    zone = known.get(candidate.lower())
    if zone is None:
        return None
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return zone
