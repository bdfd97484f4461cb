"""Joining, as pure logic: the order of intake steps and the checks on what people type.

No Telegram objects here; handlers/intake.py renders the steps and stores the answers.
"""

from __future__ import annotations

import re
import unicodedata

import phonenumbers

from bot import times
from bot.risk import RiskScreen

ALIAS_MIN, ALIAS_MAX = 2, 32
MAX_ZONE_BUTTONS = 12
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
    index = steps.index(current) + 1
    if index < len(steps) and steps[index] == "role" and role is not None:
        index += 1  # an invite link chose the role already
    return steps[index] if index < len(steps) else None


def step_number(role: str | None, step: str, invited: bool = False) -> tuple[int, int]:
    """(n, total) for "step n of total" (sub-steps count as their parent; someone `invited`
    with their role chosen by the link has no role step)."""
    steps = steps_for(role)
    if invited:
        steps = tuple(name for name in steps if name != "role")
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
    if risk is not None and risk.screen(alias) is not None:
        return "risk"
    return None


def looks_like_phone(text: str) -> bool:
    """A phone number in any common format (phonenumbers), or 7+ digits however spaced."""
    if len(_DIGITS.findall(text)) >= 7:
        return True
    for region in _PHONE_REGIONS:
        matcher = phonenumbers.PhoneNumberMatcher(text, region, phonenumbers.Leniency.POSSIBLE)
        if matcher.has_next():
            return True
    return False


def parse_time(text: str) -> str | None:
    """A typed time of day ('5pm', '17h', 'a las 5 de la tarde') -> 'HH:MM', else None."""
    return times.parse_time(text)


def parse_timezone(text: str, country: str | None = None) -> str | None:
    """A typed IANA zone name or city ('Caracas'), preferring the member's country, else None."""
    return times.find_zone(text, country)


def zones_to_offer(country: str | None, fallback: list[str]) -> list[str]:
    """Time zones to show as buttons: the country's own (or its common ones), else `fallback`."""
    own = list(times.country_zones(country))
    if not own:
        return fallback
    if len(own) <= MAX_ZONE_BUTTONS:
        return own
    common = [zone for zone in fallback if zone in own]
    return common if len(common) >= 2 else own[:MAX_ZONE_BUTTONS]
