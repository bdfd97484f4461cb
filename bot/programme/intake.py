"""Joining, as pure logic: the order of intake steps and the checks on what people type.

No Telegram objects here; handlers/_intake.py renders the steps and stores the answers.
`button_answer` decides what a profile button's answer changes (intake and /settings share it).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

import phonenumbers

from bot.core import times
from bot.core.clock import to_db
from bot.screen.risk import RiskResult, RiskScreen

if TYPE_CHECKING:
    from bot.catalog.intake import IntakeCatalog
    from storage.members import Member

ALIAS_MIN, ALIAS_MAX = 2, 32
MAX_ZONE_BUTTONS = 12
OTHER_COUNTRY = "ZZ"  # ISO "unknown or unspecified": crisis help falls back to worldwide lists

# Steps everyone answers, in order; role-specific ones are inserted by `steps_for`.
MENTEE_STEPS = (
    "lang",
    "role",
    "alias",
    "age",
    "langs",
    "country",
    "tz",
    "focus",
    "gender",
    "pref",
    "day",
    "time",
    "quiet",
)
MENTOR_STEPS = (
    "lang",
    "role",
    "alias",
    "age",
    "langs",
    "country",
    "tz",
    "focus",
    "lived",
    "cap",
    "gender",
    "day",
    "time",
    "quiet",
    "code",
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


# Profile questions answered by picking options: step -> (option list, member field).
MULTI = {
    "langs": ("languages", "languages_spoken"),
    "focus": ("focus_areas", "focus_areas"),
    "lived": ("focus_areas", "lived_experience"),
}
SINGLE = {
    "age": ("age_bands", "age_band"),
    "gender": ("genders", "gender"),
    "pref": ("partner_genders", "mentor_gender"),
}


@dataclass(frozen=True)
class Answer:
    """What a button's answer does: `kind` is "advance" (step done), "stay" (a toggle: redraw),
    "goto" `step`, or "invalid" with a `message` key; `changes` are the profile fields to store."""

    kind: str
    changes: Mapping[str, object] = field(default_factory=dict)
    step: str | None = None
    message: str | None = None


INVALID = Answer("invalid", message="common.invalid_button")


def hhmm(value: str) -> str:
    """'1800' (button form: ':' separates callback parts) -> '18:00'."""
    return f"{value[:2]}:{value[2:]}"


def button_answer(
    step: str,
    value: str,
    member: Member,
    intake: IntakeCatalog,
    countries: Collection[str],
    languages: Collection[str],
    now: datetime,
) -> Answer:
    """The answer a profile button carries, checked against the live content's options (an
    unknown value is "invalid", never stored)."""
    if step == "role" and value in ("mentee", "mentor"):
        return Answer("advance", {"role": value})
    if step in SINGLE:
        return _single(step, value, member, intake)
    if step in MULTI:
        return _toggle(step, value, member, intake)
    if step in ("qstart", "qend"):
        values = intake.quiet_starts if step == "qstart" else intake.quiet_ends
        if len(value) != 4 or hhmm(value) not in values:
            return INVALID
        if step == "qstart":
            return Answer("goto", {"quiet_start": hhmm(value)}, "qend")
        return Answer("advance", {"quiet_end": hhmm(value)})
    return _simple(step, value, countries, languages, now)


def _single(step: str, value: str, member: Member, intake: IntakeCatalog) -> Answer:
    """One option of a list (age band; gender and partner preference live in preferences)."""
    kind, name = SINGLE[step]
    if value not in {option.id for option in intake.options(kind)}:
        return INVALID
    if step == "age":
        return Answer("advance", {"age_band": value})
    return Answer("advance", {"preferences": {**member.preferences, name: value}})


def _toggle(step: str, value: str, member: Member, intake: IntakeCatalog) -> Answer:
    """Several options: each press toggles one; "done" needs at least one chosen."""
    kind, name = MULTI[step]
    chosen: list[str] = list(getattr(member, name))
    if value == "done":
        return (
            Answer("advance") if chosen else Answer("invalid", message="intake.pick_at_least_one")
        )
    if value not in {option.id for option in intake.options(kind)}:
        return INVALID
    chosen = [c for c in chosen if c != value] if value in chosen else [*chosen, value]
    return Answer("stay", {name: chosen})


def _simple(
    step: str, value: str, countries: Collection[str], languages: Collection[str], now: datetime
) -> Answer:
    """The steps whose buttons carry the value itself."""
    if step == "country" and (value == OTHER_COUNTRY or value in countries):
        return Answer("goto", {"country": value}, "tzpick" if value == OTHER_COUNTRY else "tz")
    if step == "tz" and value == "pick":
        return Answer("goto", step="tzpick")
    if step == "tzpick":
        zone = parse_timezone(value)
        return (
            INVALID
            if zone is None
            else Answer("advance", {"timezone": zone, "next_checkin_at": None})
        )
    if step == "cap" and value in ("1", "2", "3"):
        return Answer("advance", {"capacity": int(value)})
    if step == "day" and value in {str(n) for n in range(7)}:
        return Answer("advance", {"checkin_weekday": int(value), "next_checkin_at": None})
    if step == "time" and len(value) == 4 and parse_time(hhmm(value)):
        return Answer("advance", {"checkin_time": hhmm(value), "next_checkin_at": None})
    if step == "quiet" and value in ("keep", "change"):
        return Answer("advance") if value == "keep" else Answer("goto", step="qstart")
    if step == "code" and value == "agree":
        return Answer("advance", {"code_agreed_at": to_db(now)})
    if step == "lang" and value in languages:
        return Answer("advance", {"language": value})
    return INVALID
