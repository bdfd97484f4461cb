"""The crisis screen: lexicon floor + trained classifier, per clause and per message, with time,
voice, role and the member's recent signals (pure logic: no Telegram, no I/O, never logs text).

For one message, every *unit* (the whole message, then each clause; see bot/screen/risk_features.py)
gets a tier from two layers, and the highest tier over all units wins:

1. the lexicon (bot/screen/risk_lexicon.py): an explicit or imminent phrase is a floor at its own tier;
   a lexicon *concern* (a milder phrase, or a negated one) counts only when the model agrees at
   least a little, otherwise it is a gentle check;
2. the classifier (bot/screen/risk_model.py): P(risk) at or above the ``concern`` threshold of the
   message's language (chosen on held-out authors' files) is a concern, at or above ``high`` a
   high risk, and imminent when "an act in progress" is the likeliest kind of risk. Danger from
   someone else is a kind, not a tier: it keeps its tier.

Then time and voice (bot/screen/risk_framing.py): a unit told in the past or in someone else's voice,
with nothing about now, is lowered to CHECK (a gentle check, no crisis reply), never dropped.
A unit inherits that framing from an earlier clause or when the model reads the whole message as
a story, a report or a mentor's question. Role: a mentor asking how to respond to a disclosure
gets GUIDANCE; a mentor writing about their own distress is screened like anyone else.
Conversation: after a concern or worse in the last 24 hours, a lower bar applies (``recent``)
and a concern is raised to high.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np

from bot.catalog import risk as risk_catalog
from bot.catalog._base import ContentError, ContentProblem
from bot.catalog.risk import RiskLexicon
from bot.screen import risk_framing as framing
from bot.screen.risk_features import clause_spans, clauses, expand
from bot.screen.risk_lexicon import LexiconHit, LexiconScreen, normalise
from bot.screen.risk_model import MODEL_FILE, ModelError, RiskModel, Thresholds
from bot.screen.risk_types import RiskKind, RiskResult, Severity

__all__ = ["RiskKind", "RiskResult", "RiskScreen", "Severity", "normalise"]

MAX_CHARS = 8192  # Telegram sends at most 4,096; anything longer is cut, never an error
_MIN_MODEL_WORDS = 3  # shorter messages get at most a gentle check from the model alone
# Links, e-mail addresses and @handles say nothing about risk, but their letters become n-grams
# the model may read as words ("see t.me/ana" looked like a farewell): they are blanked first.
_CONTACTS = re.compile(
    r"(?:https?://|www\.)\S+|\bt\.me/\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+|(?<![\w@])@\w{3,}",
    re.IGNORECASE,
)
_DANGER_RULES = re.compile(r"\.(?:harm_from_others|unsafe_relationship)$")
_FRAMED_CLASSES = ("framed", "mentor")
_SPACE = " "
_ES_WORDS = frozenset(
    "que de no me la el y en es quiero estoy mi por pero lo se ya muy porque tengo todo nada mas "
    "esta hoy los las una un con para sin siento puedo vida mejor".split(_SPACE)
)
_EN_WORDS = frozenset(
    "the i to and my a is it im you of in that this so just dont want be have not but anymore "
    "point feel tired what do how any".split(_SPACE)
)


class RiskScreen:
    """The layered screen; build once (``load``), share everywhere."""

    def __init__(self, lexicon: LexiconScreen, model: RiskModel) -> None:
        self.lexicon = lexicon
        self.model = model

    @classmethod
    def from_lexicons(cls, lexicons: Mapping[str, RiskLexicon], model: RiskModel) -> RiskScreen:
        """Compile lexicons keyed by language code and pair them with a loaded model."""
        return cls(LexiconScreen.from_lexicons(lexicons), model)

    @classmethod
    def load(cls, content_dir: Path) -> RiskScreen:
        """Lexicons and model from content/risk/ (ContentError naming the file on any problem)."""
        lexicons = risk_catalog.load(content_dir)
        try:
            model = RiskModel.load(content_dir / MODEL_FILE, f"content/{MODEL_FILE}")
        except ModelError as exc:
            raise ContentError([ContentProblem(MODEL_FILE, "", "", str(exc))]) from None
        return cls.from_lexicons(lexicons, model)

    @property
    def rule_ids(self) -> frozenset[str]:
        """Every rule id the screen can return."""
        model_ids = {f"model:{kind}" for kind in RiskKind}
        return self.lexicon.rule_ids | model_ids | {"context:recent"}

    def screen(
        self, text: str, *, role: str | None = None, recent: Sequence[Severity] = ()
    ) -> RiskResult | None:
        """The tier of ``text`` for this writer, or None when there is nothing to check."""
        text = text[:MAX_CHARS]
        lowered = text.lower()
        if "@" in text or "://" in text or "www." in lowered or "t.me/" in lowered:
            text = _CONTACTS.sub(" ", text)
        text = expand(text)
        whole = normalise(text)
        if not whole:
            return None
        model = self.model
        language = _language(whole)
        limits = model.limits(language)
        # One featurisation pass for the message and all its clauses (spans of its words).
        spans = clause_spans(text, whole)
        if spans is None:  # the clauses do not line up with the whole text: score each alone
            parts = clauses(text)
            table = [model.probabilities(whole), *(model.probabilities(p) for p in parts)]
        else:
            words = whole.split()
            parts = [" ".join(words[first:end]) for first, end in spans]
            table = list(model.unit_probabilities(words, [(0, len(words)), *spans]))
        whole_probs = table[0]
        told = sum(model.p(whole_probs, name) for name in _FRAMED_CLASSES) >= 0.5
        story = told  # the model reads the message as a story, a report or a question
        frames = framing.Frames()  # flags per clause, discarded with the call
        found: list[RiskResult] = []
        below = 0.0  # the highest P(risk) of an unframed unit that was not flagged (``recent``)
        worried = any(severity >= Severity.CONCERN for severity in recent)
        # Most messages hold no lexicon phrase at all: one scan of the whole text, and the
        # clauses are read by the lexicon only when it found something.
        lexicon = self.lexicon.screen(text) is not None
        ordinary = 1.0 - model.risk(whole_probs)
        units: list[tuple[RiskResult | None, float, str, int]] = []
        if len(parts) <= 1:
            result, p = self._unit(text, whole_probs, language, limits.concern, ordinary, lexicon)
            units.append((result, p, whole, -1))
        else:
            # The lexicon reads each clause, so a phrase is judged with its own tense; the model
            # reads each clause and the whole message. A past story in an earlier clause carries
            # over to later ones unless they speak of now (someone else's words do not: "my
            # sister had her baby. been giving my things away" is the writer's own risk).
            for position, (part, probs) in enumerate(zip(parts, table[1:], strict=True)):
                if not lexicon:  # the common case: a clause below the bar needs nothing more
                    p = model.risk(probs)
                    if p < limits.clause:
                        units.append((None, p, part, position))
                        continue
                result, p = self._unit(part, probs, language, limits.clause, ordinary, lexicon)
                units.append((result, p, part, position))

        def context(position: int) -> tuple[bool, bool]:
            """(inherits a past or told frame, is a quote) of a clause; -1: the whole message.

            Worked out only for units that need it: most clauses of most messages never do."""
            if position < 0:
                return story, story and len(parts) > 1  # its clauses spoke for the present
            inherited = told or any(frames.past(parts[i]) for i in range(position))
            # 'she said: "i want to die"'
            return inherited, position > 0 and framing.introduces_quote(parts[position - 1])

        if len(parts) > 1:
            # The whole message is a story when its risk sits only in framed clauses.
            explained = all(
                p < limits.clause or (lambda c: c[1] or frames.framed(part, c[0]))(context(at))
                for _, p, part, at in units
            )
            story = story or (explained and (frames.past(whole) or frames.reported(whole)))
            result, p = self._unit(None, whole_probs, language, limits.concern, ordinary)
            units.append((result, p, whole, -1))
        for result, p, part, at in units:
            if result is None:
                if p > below and worried:
                    inherited, quoted = context(at)
                    if not (quoted or frames.framed(part, inherited)):
                        below = p
                continue
            inherited, quoted = context(at)
            voice = result.kind is not RiskKind.DANGER
            is_framed = (quoted and voice) or frames.framed(part, inherited, voice=voice)
            # A lexicon phrase inside what the model reads as a story, a report or a mentor's
            # question ("i tried to end my life at 17 and i'm so glad it didn't work") is a
            # check even when the story is told in the present tense. Not so for danger from
            # someone else: it is always told about them ("my brother pulled a gun on me").
            if is_framed or (told and voice and result.source == "lexicon"):
                result = replace(result, severity=min(result.severity, Severity.CHECK))
            found.append(result)
        best = max(found, key=lambda r: (r.severity, r.score), default=None)
        if (
            best is not None
            and best.source == "model"
            and best.severity > Severity.CHECK
            and len(whole.split()) < _MIN_MODEL_WORDS
            and not worried
        ):
            # "bye", "adiós", "thanks, bye!": too little to go on for the model alone (after a
            # concern in the last day the same word is a farewell, and keeps its tier).
            best = replace(best, severity=Severity.CHECK)
        best = self._role(best, role, whole, whole_probs)
        return _conversation(best, recent, below, limits.recent, language)

    def _unit(
        self,
        raw: str | None,
        probs: np.ndarray,
        language: str,
        bar: float,
        ordinary: float,
        lexicon: bool = True,
    ) -> tuple[RiskResult | None, float]:
        """The tier of one unit from both layers (before framing), and its P(risk).

        ``bar`` is the unit's threshold (whole message or clause); ``ordinary`` is how sure the
        model is that the whole message is not a risk (an idiom, a story, a question).
        """
        model = self.model
        limits = model.limits(language)
        groups = model.groups(probs)
        risky = {name: groups.get(name, 0.0) for name in ("self", "danger", "imminent")}
        p = sum(risky.values())
        danger = risky["danger"] >= max(risky["self"], risky["imminent"])
        kind = RiskKind.DANGER if danger else RiskKind.SELF
        found: RiskResult | None = None
        if p >= bar:
            severity = Severity.HIGH if p >= max(bar, limits.high) else Severity.CONCERN
            acting = risky["imminent"] > max(risky["self"], risky["danger"])
            if severity is Severity.HIGH and acting:
                severity = Severity.IMMINENT
            found = RiskResult(severity, f"model:{kind}", language, round(p, 4), "model", kind)
        hit = self.lexicon.screen(raw) if raw is not None and lexicon else None
        if hit is not None:
            lexical = _from_hit(hit, max(p, 1.0 - ordinary), limits)
            if found is None or lexical.severity >= found.severity:
                found = lexical
        return found, p

    def _role(
        self, best: RiskResult | None, role: str | None, whole: str, probs: np.ndarray
    ) -> RiskResult | None:
        """A mentor asking how to respond to someone's disclosure gets guidance, not a crisis reply."""
        if role != "mentor" or (best is not None and best.severity > Severity.CHECK):
            return best
        p_mentor = self.model.p(probs, "mentor")
        # About someone else's risk (not the mentor's own past story), or asking how to help.
        about_other = best is not None and framing.reported(whole)
        asking = about_other or framing.asks_how(whole) or p_mentor >= 0.5
        if not asking or (best is None and p_mentor < 0.5):
            return best
        rule = best.rule_id if best is not None else "model:guidance"
        source = best.source if best is not None else "model"
        return RiskResult(
            Severity.CHECK, rule, _language(whole), round(p_mentor, 4), source, RiskKind.GUIDANCE
        )


def _from_hit(hit: LexiconHit, p: float, limits: Thresholds) -> RiskResult:
    """A lexicon hit as a result. An imminent phrase is a floor; an explicit phrase gets the
    crisis reply when the model gives it at least some weight (``lexicon_gate``), and a gentle
    check otherwise ("me quiero morir 😂 llegué con la camisa al revés", "burned myself on the
    kettle"): never dropped. A mild or negated phrase needs the model half-way to a concern."""
    kind = RiskKind.DANGER if _DANGER_RULES.search(hit.rule_id) else RiskKind.SELF
    severity = hit.severity
    gate = (
        limits.lexicon_gate
        if severity is Severity.HIGH
        else max(limits.lexicon_gate, limits.concern / 2)
    )
    if severity < Severity.IMMINENT and p < gate:
        severity = Severity.CHECK
    return RiskResult(severity, hit.rule_id, hit.language, 1.0, "lexicon", kind)


def _conversation(
    best: RiskResult | None, recent: Sequence[Severity], below: float, bar: float, language: str
) -> RiskResult | None:
    """After a concern in the last 24 hours, a lower bar and one tier up for a new concern."""
    if not any(severity >= Severity.CONCERN for severity in recent):
        return best
    if best is not None and best.kind is RiskKind.GUIDANCE:
        return best
    if best is not None and best.severity is Severity.CONCERN:
        return replace(best, severity=Severity.HIGH, rule_id="context:recent", source="context")
    if (best is None or best.severity < Severity.CONCERN) and below >= bar:
        kind = best.kind if best is not None else RiskKind.SELF
        return RiskResult(
            Severity.CONCERN, "context:recent", language, round(below, 4), "context", kind
        )
    return best


def _language(normalised: str) -> str:
    """ "es" or "en", by common words (a label for statistics; every model runs anyway)."""
    words = normalised.split()
    spanish = sum(word in _ES_WORDS for word in words)
    english = sum(word in _EN_WORDS for word in words)
    return "es" if spanish > english else "en"
