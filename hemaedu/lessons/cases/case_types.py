"""Lesson 06's case records: frozen values a validated case file becomes (numbers, ids, texts)."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Case", "Count", "Decision", "Marrow", "Option", "Patient", "Review", "Stage"]


@dataclass(frozen=True)
class Count:
    """A blood count in the rules' units (Hb g/dL, counts 10^9/L)."""

    hb: float
    wbc: float
    anc: float
    platelets: float
    reticulocytes: float
    retic_method: str = "automated"


@dataclass(frozen=True)
class Marrow:
    """A trephine result: cellularity and (when reported) residual hematopoietic cells, in percent."""

    cellularity: float
    residual_hematopoietic: float | None = None


@dataclass(frozen=True)
class Review:
    """Where to read again: a lesson (registry number) and a section heading of its notebook."""

    lesson: str
    section: str


@dataclass(frozen=True)
class Option:
    """One answer at a decision point, with why it is right or wrong (and what follows if wrong)."""

    text: str
    why: str
    correct: bool
    value: str | None = None
    consequence: str = ""


@dataclass(frozen=True)
class Decision:
    """A decision point: the prompt, its options (exactly one right) and where to review."""

    id: str
    kind: str
    prompt: str
    options: tuple[Option, ...]
    stage: int
    review: Review | None = None
    #: The rules' answer for a gradable decision (None for "choice").
    rule_value: str | None = None

    @property
    def right(self) -> int:
        """Index of the right option."""
        return next(i for i, o in enumerate(self.options) if o.correct)


@dataclass(frozen=True)
class Stage:
    """One stage of the case: its kind, text, an optional count or marrow, its decisions."""

    kind: str
    title: str
    text: str
    count: Count | None = None
    marrow: Marrow | None = None
    decisions: tuple[Decision, ...] = ()


@dataclass(frozen=True)
class Patient:
    """What the pathway needs to know about the patient (may change at a later stage)."""

    age: float
    sex: str
    sibling_donor: bool
    transfusion_dependent: bool


@dataclass(frozen=True)
class Case:
    """A whole virtual patient, validated."""

    id: str
    where: str
    title: str
    summary: str
    onset_class: str | None
    patient: Patient
    stages: tuple[Stage, ...]
    sources: tuple[str, ...]

    @property
    def decisions(self) -> tuple[Decision, ...]:
        """Every decision in the order the learner meets them."""
        return tuple(d for s in self.stages for d in s.decisions)
