"""Why /suggest proposes no mentor for a waiting mentee, and broken rules, in words.

Pure: reads matching's Mentee/Mentor views and the content, returns text through the
translator. Coordinators see words ("no available mentor speaks Spanish"), never rule ids.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence

from bot.catalog.intake import IntakeCatalog
from bot.catalog.matching import MatchingConfig
from bot.core.i18n import Html, Translator
from bot.programme.match_reasons import broken_constraints
from bot.programme.matching import Mentee, Mentor

# Rules about the mentor alone (whoever the mentee is), in the order they are reported.
AVAILABILITY = (
    "not_approved",
    "not_trained",
    "stepped_back",
    "paused",
    "suspended",
    "unreachable",
    "full",
)
# Preference keys whose wished values are intake options (shown by their label).
PREFERENCE_OPTIONS = {"mentor_gender": "genders", "mentor_age_band": "age_bands"}


def preference_words(
    t: Translator, intake: IntakeCatalog | None, language: str, key: str, wish: str | None
) -> str:
    """'mentor's gender: Woman' for the preference `key` and the mentee's wish."""
    value = wish or "-"
    kind = PREFERENCE_OPTIONS.get(key)
    if intake is not None and kind is not None and wish is not None:
        value = intake.label(kind, wish, language)
    if key in PREFERENCE_OPTIONS:
        return t(language, f"matching.pref_{key}", value=value)
    return t(language, "matching.pref_other", name=key.replace("_", " "), value=value)


def render_broken(
    t: Translator,
    language: str,
    broken: Sequence[str],
    wishes: Mapping[str, object] | None = None,
    intake: IntakeCatalog | None = None,
) -> Html:
    """The broken hard constraints, one per line, in words."""
    lines = []
    for item in broken:
        if item.startswith("preference:"):
            key = item.split(":", 1)[1]
            wish = (wishes or {}).get(key)
            words = preference_words(t, intake, language, key, None if wish is None else str(wish))
            lines.append(t(language, "matching.broken_preference", name=words))
        else:
            lines.append(t(language, f"matching.broken_{item}"))
    return Html("\n".join(f"• {line}" for line in lines))


def why_left_out(
    t: Translator,
    language: str,
    mentee: Mentee,
    mentors: Sequence[Mentor],
    config: MatchingConfig,
    intake: IntakeCatalog | None = None,
) -> str:
    """One sentence: why no mentor is proposed for this mentee in this round."""
    if not mentors:
        return t(language, "matching.left_out_no_mentors")
    broken = {mentor.id: broken_constraints(mentee, mentor, config) for mentor in mentors}
    available = [m for m in mentors if not set(broken[m.id]) & set(AVAILABILITY)]
    if not available:
        counts = Counter(
            next(rule for rule in AVAILABILITY if rule in broken[m.id]) for m in mentors
        )
        parts = [
            t(language, f"matching.unavailable_{rule}", count=counts[rule])
            for rule in AVAILABILITY
            if counts[rule]
        ]
        return t(language, "matching.left_out_none_free", counts=Html("; ".join(parts)))
    fitting = [m for m in available if not broken[m.id]]
    if fitting:
        codes = ", ".join(m.code for m in fitting[:5])
        return t(language, "matching.left_out_taken", mentors=codes)
    counts = Counter(rule for m in available for rule in broken[m.id])
    parts = []
    if counts["language"]:
        spoken = ", ".join(
            intake.label("languages", code, language) if intake else code
            for code in sorted(mentee.languages)
        )
        parts.append(
            t(language, "matching.fit_language", count=counts["language"], languages=spoken)
        )
    if counts["paired_before"]:
        parts.append(t(language, "matching.fit_paired_before", count=counts["paired_before"]))
    for key in config.preferences:
        count = counts[f"preference:{key}"]
        if count:
            wish = preference_words(t, intake, language, key, mentee.wishes.get(key))
            parts.append(t(language, "matching.fit_preference", count=count, wish=wish))
    return t(
        language,
        "matching.left_out_nobody_fits",
        count=len(available),
        details=Html("; ".join(parts)),
    )
