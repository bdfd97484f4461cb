"""What the crisis screen answers: a tier, a kind, the rule or model that fired; never the text."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Severity(enum.IntEnum):
    """How urgently a message needs a human: higher is more urgent."""

    CHECK = 0  # a gentle check only (a past story, reported speech, a third party): no crisis reply
    CONCERN = 1
    HIGH = 2
    IMMINENT = 3


class RiskKind(enum.StrEnum):
    """Whose risk it is, which sets the reply."""

    SELF = "self"  # risk to the writer (suicide, self-harm, overdose, command voices...)
    DANGER = "danger"  # the writer is in danger from someone else
    GUIDANCE = "guidance"  # a mentor asking how to respond to someone else's disclosure


@dataclass(frozen=True)
class RiskResult:
    """What the screen found: never carries the message text."""

    severity: Severity
    rule_id: str  # lexicon rule id, or "model:self" / "context:recent" ...
    language: str
    score: float = 1.0
    source: str = "lexicon"  # "lexicon" | "model" | "context"
    kind: RiskKind = RiskKind.SELF
