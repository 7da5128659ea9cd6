"""Score answers into per-domain functional difficulty with the module's official cut-offs."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .instruments import DomainDef, Instrument, get_instrument, is_asked

# Equipment users' walking: the WG/UNICEF tabulation syntax scores the answers without the
# equipment; UNICEF's indicator wording ("even if using equipment") reads the other way.
WITHOUT_EQUIPMENT = "without_equipment"
WITH_EQUIPMENT = "with_equipment"
WALKING_RULES = (WITHOUT_EQUIPMENT, WITH_EQUIPMENT)
DEFAULT_WALKING_RULE = WITHOUT_EQUIPMENT


@dataclass(frozen=True)
class DomainResult:
    """One domain's outcome and the answer that decided it."""

    difficulty: bool
    question: str | None
    answer: int | None
    label: str | None

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON shape stored and shown to case managers."""
        return {
            "difficulty": self.difficulty,
            "question": self.question,
            "answer": self.answer,
            "label": self.label,
        }


@dataclass(frozen=True)
class ScoreResult:
    """The scored assessment: every domain and the overall functional difficulty."""

    instrument: str
    age_group: str
    clinical_judgement: bool
    walking_rule: str
    domains: dict[str, DomainResult] = field(default_factory=dict)

    @property
    def functional_difficulty(self) -> bool:
        """Return whether at least one domain meets its cut-off."""
        return any(result.difficulty for result in self.domains.values())

    @property
    def domains_with_difficulty(self) -> list[str]:
        """Return the names of domains meeting their cut-off, in instrument order."""
        return [name for name, result in self.domains.items() if result.difficulty]

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON shape stored with the assessment."""
        return {
            "instrument": self.instrument,
            "age_group": self.age_group,
            "clinical_judgement": self.clinical_judgement,
            "walking_rule": self.walking_rule,
            "domains": {name: result.to_dict() for name, result in self.domains.items()},
            "functional_difficulty": self.functional_difficulty,
        }


def _score_domain(
    instrument: Instrument, domain: DomainDef, answers: Mapping[str, int], walking_rule: str
) -> DomainResult:
    """Take the most severe asked answer among the domain's questions and apply its cut-off."""
    decisive = None
    for code in domain.scored_questions(walking_rule):
        question = instrument.questions[code]
        value = answers.get(code)
        if value not in question.codes or not is_asked(question, answers):
            continue
        rank = question.scale.severity_rank(value)
        if decisive is None or rank > decisive[0]:
            decisive = (rank, question, value)
    if decisive is None:
        return DomainResult(difficulty=False, question=None, answer=None, label=None)
    _, question, value = decisive
    return DomainResult(
        difficulty=value in question.scale.cutoff,
        question=question.code,
        answer=value,
        label=question.scale.labels[value],
    )


def score(
    instrument: str | Instrument,
    answers: Mapping[str, int],
    walking_rule: str = DEFAULT_WALKING_RULE,
) -> ScoreResult:
    """Score validated answers; questions not asked given earlier answers are ignored."""
    if isinstance(instrument, str):
        instrument = get_instrument(instrument)
    if walking_rule not in WALKING_RULES:
        raise ValueError(f"unknown walking rule {walking_rule!r}; expected one of {WALKING_RULES}")
    domains = {
        name: _score_domain(instrument, domain, answers, walking_rule)
        for name, domain in instrument.domains.items()
    }
    return ScoreResult(
        instrument=instrument.name,
        age_group=instrument.age_group,
        clinical_judgement=instrument.clinical_judgement,
        walking_rule=walking_rule,
        domains=domains,
    )


def event_domains(result: ScoreResult) -> dict[str, dict[str, bool]]:
    """Return the domain results without answers, as events carry results only."""
    return {name: {"difficulty": r.difficulty} for name, r in result.domains.items()}
