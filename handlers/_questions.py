"""Profile questions shared by intake (namespace "in") and /settings (namespace "st").

`question` renders a step as (text, buttons); `apply_button` / `apply_text` store an answer and
say what happens next. Both flows route the same callback shapes: ``<ns>:<step>:<value>``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.core.i18n import Html
from bot.programme.intake import (
    MULTI,
    OTHER_COUNTRY,
    SINGLE,
    alias_problem,
    button_answer,
    normalise_alias,
    parse_time,
    parse_timezone,
    zones_to_offer,
)
from bot.services import Services
from handlers._common import Button
from storage import members
from storage.members import Member

TEXT_STEPS = frozenset({"alias", "tzpick", "time"})
CHECK = "✅ "


@dataclass(frozen=True)
class Outcome:
    """What an answer did: "advance" (step done), "stay" (toggle: redraw), "goto" a sub-step,
    or "invalid" with a message key to show."""

    kind: str
    member: Member
    step: str | None = None
    message: str | None = None


def _rows(buttons: list[Button], per_row: int) -> list[list[Button]]:
    """Buttons laid out `per_row` to a row."""
    return [buttons[i : i + per_row] for i in range(0, len(buttons), per_row)]


def country_name(services: Services, code: str | None, language: str) -> str:
    """A country's name in the member's language ("Other" for the unknown code)."""
    if not code or code == OTHER_COUNTRY:
        return services.t(language, "intake.country_other")
    intake = services.content.intake
    if language == "es" and code in intake.country_names_es:
        return intake.country_names_es[code]
    entry = services.content.crisis.for_country(code)
    return entry.name if entry else code


def suggested_zone(services: Services, member: Member) -> str:
    """The zone the member's country suggests, else their current one."""
    entry = services.content.crisis.for_country(member.country)
    return entry.timezone if entry else member.timezone


def local_time(zone: str, now: datetime) -> str:
    """The wall-clock time now in a zone, HH:MM."""
    return now.astimezone(ZoneInfo(zone)).strftime("%H:%M")


def question(
    services: Services, member: Member, step: str, ns: str
) -> tuple[Html, list[list[Button]]]:
    """The text and buttons that ask `step` of this member."""
    t, sign, lang = services.t, services.signer.sign, member.language
    intake = services.content.intake
    key = f"intake.ask_{step}"
    if step == "role":
        buttons: list[list[Button]] = [
            [(t(lang, "intake.role_mentee"), sign(ns, "role", "mentee"))],
            [(t(lang, "intake.role_mentor"), sign(ns, "role", "mentor"))],
        ]
        return t(lang, key), buttons
    if step == "alias":
        return t(lang, key), []
    if step in SINGLE:
        kind, field = SINGLE[step]
        # In /settings the current answer is ticked; in intake nothing is pre-chosen.
        current = (
            (member.age_band if step == "age" else member.preferences.get(field))
            if ns == "st"
            else None
        )
        options = [
            ((CHECK if o.id == current else "") + o.label.get(lang), sign(ns, step, o.id))
            for o in intake.options(kind)
        ]
        return t(lang, key), _rows(options, 3 if step == "age" else 2)
    if step in MULTI:
        kind, field = MULTI[step]
        chosen = set(getattr(member, field))
        options = [
            ((CHECK if o.id in chosen else "") + o.label.get(lang), sign(ns, step, o.id))
            for o in intake.options(kind)
        ]
        rows = _rows(options, 2)
        rows.append([(t(lang, "intake.done_choosing"), sign(ns, step, "done"))])
        text_key = f"{key}_{member.role}" if step == "focus" and member.role == "mentor" else key
        return t(lang, text_key), rows
    if step == "country":
        codes = sorted(
            services.content.crisis.countries, key=lambda code: country_name(services, code, lang)
        )
        options = [
            (country_name(services, code, lang), sign(ns, "country", code)) for code in codes
        ]
        rows = _rows(options, 3)
        rows.append([(t(lang, "intake.country_other"), sign(ns, "country", OTHER_COUNTRY))])
        return t(lang, key), rows
    if step == "tz":
        zone = suggested_zone(services, member)
        text = t(lang, key, zone=zone, time=local_time(zone, services.clock.now()))
        return text, [
            [(t(lang, "intake.tz_yes"), sign(ns, "tzpick", zone))],
            [(t(lang, "intake.tz_other"), sign(ns, "tz", "pick"))],
        ]
    if step == "tzpick":
        zones = zones_to_offer(member.country, list(intake.timezones))
        options = [(zone.replace("_", " "), sign(ns, "tzpick", zone)) for zone in zones]
        return t(lang, key, zone=member.timezone), _rows(options, 2)
    if step == "cap":
        ticked = member.capacity if ns == "st" else None
        return t(lang, key), [
            [((CHECK if n == ticked else "") + str(n), sign(ns, "cap", n)) for n in (1, 2, 3)]
        ]
    if step == "day":
        today = member.checkin_weekday if ns == "st" else None
        days = [
            ((CHECK if n == today else "") + t(lang, f"intake.day_{n}"), sign(ns, "day", n))
            for n in range(7)
        ]
        return t(lang, key), _rows(days, 4)
    if step == "time":
        times = [
            (value, sign(ns, "time", value.replace(":", ""))) for value in intake.checkin_times
        ]
        return t(lang, key), _rows(times, 4)
    if step == "quiet":
        text = t(lang, key, start=member.quiet_start, end=member.quiet_end)
        return text, [
            [
                (t(lang, "intake.quiet_keep"), sign(ns, "quiet", "keep")),
                (t(lang, "intake.quiet_change"), sign(ns, "quiet", "change")),
            ]
        ]
    if step in ("qstart", "qend"):
        values = intake.quiet_starts if step == "qstart" else intake.quiet_ends
        options = [(value, sign(ns, step, value.replace(":", ""))) for value in values]
        return t(lang, key), _rows(options, 5)
    if step == "code":
        text = Html(f"{intake.mentor_code.get(lang)}\n\n{t(lang, key)}")
        return text, [[(t(lang, "intake.code_agree"), sign(ns, "code", "agree"))]]
    if step == "lang":
        options = [
            (t(code, "settings.language_name"), sign(ns, "lang", code))
            for code in services.t.languages
        ]
        return t(lang, key), [options]
    raise ValueError(f"unknown step {step!r}")


async def apply_button(services: Services, member: Member, step: str, value: str) -> Outcome:
    """Store the answer carried by a button (bot/programme/intake.button_answer decides what it changes)."""
    now, content = services.clock.now(), services.content
    answer = button_answer(
        step, value, member, content.intake, content.crisis.countries, services.t.languages, now
    )
    if answer.changes:
        member = await members.update_profile(services.db, member.id, now, **answer.changes)
    return Outcome(answer.kind, member, answer.step, answer.message)


async def apply_text(services: Services, member: Member, step: str, text: str) -> Outcome:
    """Store a typed answer (alias, time zone name, check-in time); "invalid" says why not."""
    db, now = services.db, services.clock.now()
    if step == "alias":
        problem = alias_problem(text, services.content.risk)
        if problem:
            return Outcome("invalid", member, message=f"intake.alias_{problem}")
        alias = normalise_alias(text)
        return Outcome("advance", await members.update_profile(db, member.id, now, alias=alias))
    if step == "tzpick":
        zone = parse_timezone(text, member.country)
        if zone is None:
            return Outcome("invalid", member, message="intake.tz_unknown")
        return Outcome(
            "advance",
            await members.update_profile(db, member.id, now, timezone=zone, next_checkin_at=None),
        )
    if step == "time":
        value = parse_time(text)
        if value is None:
            return Outcome("invalid", member, message="intake.time_unknown")
        return Outcome(
            "advance",
            await members.update_profile(
                db, member.id, now, checkin_time=value, next_checkin_at=None
            ),
        )
    return Outcome("invalid", member, message="common.use_buttons")
