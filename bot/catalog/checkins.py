"""The weekly check-in, validated measures and the mentor pulse: content/checkins.yaml."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from bot.catalog._base import Localized, StrictModel, load_yaml_model, require_text

FILE_NAME = "checkins.yaml"
LABEL_MAX_CHARS = 32

QuestionId = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,11}$")]
HhMm = Annotated[str, Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")]


class Option(StrictModel):
    """One answer button: a small number and its label."""

    value: int = Field(ge=0, le=9)
    label: Localized

    @field_validator("label")
    @classmethod
    def _fits_button(cls, value: Localized) -> Localized:
        """Labels are buttons."""
        return require_text(value, LABEL_MAX_CHARS)


class Question(StrictModel):
    """One check-in question."""

    id: QuestionId
    kind: Literal["scale", "choice", "yes_no", "text"]
    text: Localized
    options: list[Option] = Field(default_factory=list)
    optional: bool = False
    ask_share: bool = False
    mood: bool = False
    contact: bool = False

    @model_validator(mode="after")
    def _consistent(self) -> Question:
        """Options exactly where buttons are needed; flags only on the kinds they fit."""
        require_text(self.text)
        if self.kind in ("scale", "choice"):
            if not 2 <= len(self.options) <= 8:
                raise ValueError(f"{self.kind} questions need 2..8 options")
            values = [option.value for option in self.options]
            if len(set(values)) != len(values):
                raise ValueError("option values must be unique")
        elif self.options:
            raise ValueError(f"{self.kind} questions take no options")
        if self.ask_share and self.kind != "text":
            raise ValueError("ask_share is only for text questions")
        if self.mood and (
            self.kind != "scale" or sorted(o.value for o in self.options) != [1, 2, 3, 4, 5]
        ):
            raise ValueError("the mood question must be a scale with values 1..5")
        if self.mood and self.optional:
            raise ValueError("the mood question cannot be optional")
        if self.contact and self.kind != "yes_no":
            raise ValueError("the contact question must be yes_no")
        return self


class Band(StrictModel):
    """A named score range (upper bound inclusive); `low` ones suggest professional help."""

    name: Annotated[str, Field(pattern=r"^[a-z_]{2,20}$")]
    max: int = Field(ge=0)
    low: bool = False


class MeasureSchedule(StrictModel):
    """When a measure is asked."""

    at_start: bool = True
    every_weeks: int = Field(default=4, ge=1, le=52)
    at_closure: bool = True


class Measure(StrictModel):
    """A validated questionnaire (WHO-5, PHQ-2) with its official wording and scoring."""

    enabled: bool = True
    multiplier: int = Field(default=1, ge=1, le=10)
    schedule: MeasureSchedule = MeasureSchedule()
    bands: list[Band] = Field(min_length=1)
    intro: Localized
    items: list[Localized] = Field(min_length=1, max_length=10)
    answers: list[Option] = Field(min_length=2, max_length=8)

    @model_validator(mode="after")
    def _bands_cover(self) -> Measure:
        """Bands ascend and the last covers the highest possible score."""
        require_text(self.intro)
        for item in self.items:
            require_text(item)
        maxima = [band.max for band in self.bands]
        if maxima != sorted(maxima) or len(set(maxima)) != len(maxima):
            raise ValueError("bands must have strictly ascending max values")
        highest = max(option.value for option in self.answers) * len(self.items) * self.multiplier
        if maxima[-1] < highest:
            raise ValueError(f"the last band must reach the highest score {highest}")
        return self

    def score(self, answers: list[int]) -> int:
        """Total of the item answers times the multiplier (WHO-5: 0-25 x 4 = 0-100)."""
        if len(answers) != len(self.items):
            raise ValueError(f"need {len(self.items)} answers, got {len(answers)}")
        allowed = {option.value for option in self.answers}
        if any(answer not in allowed for answer in answers):
            raise ValueError("an answer is outside the scale")
        return sum(answers) * self.multiplier

    def band(self, score: int) -> Band:
        """The band a score falls in."""
        for band in self.bands:
            if score <= band.max:
                return band
        return self.bands[-1]


class Reachout(StrictModel):
    """When reminders follow an unanswered request for contact."""

    remind_mentor_hours: int = Field(default=24, ge=1)
    tell_coordinators_hours: int = Field(default=48, ge=1)


class Pulse(StrictModel):
    """The mentor's weekly pulse."""

    weekday: int = Field(default=4, ge=0, le=6)
    time: HhMm = "17:00"
    low_at_or_below: int = Field(default=2, ge=1, le=4)
    self_care_strategies: list[str] = Field(default_factory=list)


class CheckinContent(StrictModel):
    """Everything in content/checkins.yaml."""

    questions: list[Question] = Field(min_length=1)
    measures: dict[Literal["who5", "phq2"], Measure]
    trend_length: int = Field(default=4, ge=1, le=8)
    draft_days: int = Field(default=3, ge=1, le=14)
    reachout: Reachout = Reachout()
    pulse: Pulse = Pulse()
    # What the mentor sees by default, item by item (every question but the contact one, and
    # "goals"); for the note, true means "ask me each time".
    sharing: dict[str, bool] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _one_mood(self) -> CheckinContent:
        """Exactly one mood question, at most one contact question, unique ids."""
        ids = [question.id for question in self.questions]
        if len(set(ids)) != len(ids):
            raise ValueError("question ids must be unique")
        if sum(question.mood for question in self.questions) != 1:
            raise ValueError("exactly one question must have mood: true")
        if sum(question.contact for question in self.questions) > 1:
            raise ValueError("at most one question may have contact: true")
        if set(self.sharing) != set(self.sharing_items):
            raise ValueError(f"sharing needs exactly these items: {', '.join(self.sharing_items)}")
        return self

    @property
    def sharing_items(self) -> list[str]:
        """The items a mentee decides about, in the order they are asked."""
        return [q.id for q in self.questions if not q.contact] + ["goals"]

    def question(self, question_id: str) -> Question | None:
        """A question by id."""
        return next((q for q in self.questions if q.id == question_id), None)

    @property
    def mood_question(self) -> Question:
        """The mood scale."""
        return next(q for q in self.questions if q.mood)


def load(content_dir: Path) -> CheckinContent:
    """Read and validate content_dir/checkins.yaml."""
    return load_yaml_model(CheckinContent, content_dir / FILE_NAME, content_dir)
