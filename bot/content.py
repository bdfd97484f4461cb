"""All content loaded and validated together, and a store that swaps it atomically on /reload."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.catalog import (
    checkins,
    coping,
    crisis,
    intake,
    locales,
    matching,
    referrals,
    relay,
    training,
    youth,
)
from bot.catalog._base import collect, default_content_dir
from bot.screen.risk import RiskScreen


@dataclass(frozen=True)
class Content:
    """Everything in content/, validated."""

    directory: Path
    locales: locales.Locales
    crisis: crisis.CrisisDirectory
    referrals: referrals.ReferralDirectory
    coping: coping.CopingLibrary
    training: training.TrainingCourse
    risk: RiskScreen
    intake: intake.IntakeCatalog
    matching: matching.MatchingConfig
    checkins: checkins.CheckinContent
    relay: relay.RelayContent
    youth: youth.YouthLines


def load_content(directory: Path | None = None) -> Content:
    """Load every content file, reporting all problems at once (ContentError)."""
    root = directory or default_content_dir()
    loaded = collect(
        [
            lambda: locales.load(root),
            lambda: crisis.load(root),
            lambda: referrals.load(root),
            lambda: coping.load(root),
            lambda: training.load(root),
            lambda: RiskScreen.load(root),
            lambda: intake.load(root),
            lambda: matching.load(root),
            lambda: checkins.load(root),
            lambda: relay.load(root),
            lambda: youth.load(root),
        ]
    )
    return Content(root, *loaded)


class ContentStore:
    """Holds the live content; `reload` keeps the old content if the new one is invalid."""

    def __init__(self, content: Content) -> None:
        self.current = content

    def reload(self) -> Content:
        """Re-read the same folder; raises ContentError and keeps serving the old content."""
        self.current = load_content(self.current.directory)
        return self.current
