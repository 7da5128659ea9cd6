"""Child Functioning Module instruments: questions, scales, skip logic, choice by age."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from shared.ages import age_in_months, age_in_years  # noqa: F401 (one rule for every service)

from .errors import NotEligibleError

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
INSTRUMENTS_FILE = DATA_DIR / "instruments.json"

CLINICAL_UNDER_2 = "clinical_under_2"
CFM_2_4 = "cfm_2_4"
CFM_5_17 = "cfm_5_17"


@dataclass(frozen=True)
class Scale:
    """An answer scale: codes with labels, severity order and cut-off."""

    name: str
    labels: Mapping[int, str]
    least_to_most_severe: tuple[int, ...]
    cutoff: frozenset[int]

    def severity_rank(self, code: int) -> int:
        """Return the position of a code from least (0) to most severe."""
        return self.least_to_most_severe.index(code)


@dataclass(frozen=True)
class Question:
    """One question of an instrument and the earlier answers that make it asked."""

    code: str
    text: str
    scale: Scale
    codes: tuple[int, ...]
    asked_if: Mapping[str, tuple[int, ...]]


@dataclass(frozen=True)
class DomainDef:
    """A functional domain and the questions that score it, per walking rule if they differ."""

    name: str
    questions: tuple[str, ...]
    questions_by_walking_rule: Mapping[str, tuple[str, ...]]

    def scored_questions(self, walking_rule: str) -> tuple[str, ...]:
        """Return the question codes scoring this domain under a walking rule."""
        if self.questions_by_walking_rule:
            return self.questions_by_walking_rule[walking_rule]
        return self.questions


@dataclass(frozen=True)
class Instrument:
    """A questionnaire version: its questions in order and its domains."""

    name: str
    age_group: str
    min_age_years: int
    max_age_years: int
    clinical_judgement: bool
    questions: Mapping[str, Question]
    domains: Mapping[str, DomainDef]


def _scale(name: str, raw: Mapping) -> Scale:
    labels = {int(code): label for code, label in raw["labels"].items()}
    return Scale(
        name=name,
        labels=labels,
        least_to_most_severe=tuple(raw.get("least_to_most_severe", sorted(labels))),
        cutoff=frozenset(raw.get("cutoff", ())),
    )


def _question(raw: Mapping, scales: Mapping[str, Scale]) -> Question:
    scale = scales[raw["scale"]]
    return Question(
        code=raw["code"],
        text=raw["text"],
        scale=scale,
        codes=tuple(raw.get("codes", sorted(scale.labels))),
        asked_if={gate: tuple(codes) for gate, codes in raw.get("asked_if", {}).items()},
    )


def _domain(name: str, raw: Mapping) -> DomainDef:
    by_rule = {
        rule: tuple(codes) for rule, codes in raw.get("questions_by_walking_rule", {}).items()
    }
    return DomainDef(
        name=name, questions=tuple(raw.get("questions", ())), questions_by_walking_rule=by_rule
    )


def parse_instruments(raw: Mapping) -> dict[str, Instrument]:
    """Build instruments from the data file's structure."""
    scales = {name: _scale(name, spec) for name, spec in raw["scales"].items()}
    instruments = {}
    for name, spec in raw["instruments"].items():
        questions = [_question(q, scales) for q in spec["questions"]]
        instruments[name] = Instrument(
            name=name,
            age_group=spec["age_group"],
            min_age_years=spec["min_age_years"],
            max_age_years=spec["max_age_years"],
            clinical_judgement=spec["clinical_judgement"],
            questions={q.code: q for q in questions},
            domains={d: _domain(d, dspec) for d, dspec in spec["domains"].items()},
        )
    return instruments


@cache
def load_instruments(path: Path = INSTRUMENTS_FILE) -> dict[str, Instrument]:
    """Load the instruments data file (cached)."""
    return parse_instruments(json.loads(path.read_text(encoding="utf-8")))


def get_instrument(name: str) -> Instrument:
    """Return an instrument by name; KeyError names the unknown instrument."""
    instruments = load_instruments()
    if name not in instruments:
        raise KeyError(f"unknown instrument {name!r}")
    return instruments[name]


def select_instrument(date_of_birth: date, on_date: date) -> str:
    """Return the instrument for the child's age on the assessment date."""
    if on_date < date_of_birth:
        raise NotEligibleError("the assessment date is before the date of birth")
    years = age_in_years(date_of_birth, on_date)
    for instrument in load_instruments().values():
        if instrument.min_age_years <= years <= instrument.max_age_years:
            return instrument.name
    raise NotEligibleError(f"a person aged {years} is not a child: no instrument applies")


def is_asked(question: Question, answers: Mapping[str, object]) -> bool | None:
    """Return whether a question is asked given earlier answers; None when a gate is unanswered."""
    unknown = False
    for gate, codes in question.asked_if.items():
        given = answers.get(gate)
        if not isinstance(given, int) or isinstance(given, bool):
            unknown = True
        elif given not in codes:
            return False
    return None if unknown else True
