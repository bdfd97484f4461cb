"""A mentor's weekly pulse finished: counted (anonymised), coordinators told of a low answer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.delivery.notify import notify_coordinators
from storage import engagement, pulses
from storage.members import Member

if TYPE_CHECKING:
    from bot.services import Services


@dataclass(frozen=True)
class PulseFlags:
    """A finished pulse: a low answer, and whether the mentor asked for support."""

    low: bool
    wants_support: bool


async def finish_pulse(services: Services, member: Member, period: str) -> PulseFlags:
    """Count the pulse (anonymised) and tell coordinators about a low answer or a request."""
    t, now = services.t, services.clock.now()
    pulse = await pulses.get(services.db, member.id, period) or {}
    await engagement.record(
        services.db,
        services.pseudonym_key,
        kind="pulse_done",
        now=now,
        telegram_id=member.telegram_id,
        role="mentor",
        value=pulse.get("wellbeing"),
    )
    await engagement.record(
        services.db,
        services.pseudonym_key,
        kind="pulse_going",
        now=now,
        telegram_id=member.telegram_id,
        role="mentor",
        value=pulse.get("going"),
    )
    low_at = services.content.checkins.pulse.low_at_or_below
    flags = PulseFlags(
        low=any((pulse.get(key) or 5) <= low_at for key in ("going", "wellbeing")),
        wants_support=bool(pulse.get("wants_support")),
    )
    if flags.low or flags.wants_support:
        language = services.settings.default_language
        reasons = [t(language, "pulse.reason_low")] if flags.low else []
        if flags.wants_support:
            reasons.append(t(language, "pulse.reason_support"))
        await notify_coordinators(
            services,
            key=f"pulse_flag:{member.code}:{period}",
            kind="pulse_flag",
            text=t(
                language,
                "pulse.coord",
                code=member.code,
                alias=member.display_alias,
                going=pulse.get("going") or "-",
                wellbeing=pulse.get("wellbeing") or "-",
                reasons=", ".join(reasons),
            ),
        )
    return flags
