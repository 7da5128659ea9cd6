"""The Child Functioning Module as the portal shows it: questions, answer codes, skip logic.

The codes and gates mirror the assessment service's instruments (UNICEF/MICS CF1…CF24); the
assessment API stays the authority and answers 422 for anything this copy lets through.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from shared.vocabulary import CFM_DOMAINS

YES_NO = "yes_no"
DIFFICULTY = "difficulty"
BEHAVIOUR = "behaviour_compared"
FREQUENCY = "frequency"

SCALE_CODES: dict[str, tuple[int, ...]] = {
    YES_NO: (1, 2),
    DIFFICULTY: (1, 2, 3, 4),
    BEHAVIOUR: (1, 2, 3, 4),
    FREQUENCY: (1, 2, 3, 4, 5),
}
YES, NO = 1, 2
NOT_CANNOT = (1, 2, 3)  # every difficulty answer except "cannot do at all"


@dataclass(frozen=True)
class Question:
    """One question: its code, scale, allowed answer codes and the answers that ask it."""

    code: str
    scale: str
    domain: str
    asked_if: Mapping[str, tuple[int, ...]] = field(default_factory=dict)
    only: tuple[int, ...] | None = None

    @property
    def codes(self) -> tuple[int, ...]:
        """Answer codes this question accepts."""
        return self.only or SCALE_CODES[self.scale]

    @property
    def is_follow_up(self) -> bool:
        """Tell whether an earlier answer decides if this question is asked."""
        return bool(self.asked_if)


@dataclass(frozen=True)
class Instrument:
    """A questionnaire: its questions in the order they are read."""

    name: str
    questions: tuple[Question, ...]
    clinical_judgement: bool = False

    def question(self, code: str) -> Question | None:
        """Return the question with this code, or None."""
        return next((q for q in self.questions if q.code == code), None)

    @property
    def codes(self) -> tuple[str, ...]:
        """Question codes in order."""
        return tuple(q.code for q in self.questions)


def _q(
    code: str, scale: str, domain: str, only: tuple[int, ...] | None = None, **gates: list[int]
) -> Question:
    return Question(code, scale, domain, {k: tuple(v) for k, v in gates.items()}, only)


_SEEING_HEARING = (
    _q("CF1", YES_NO, "seeing"),
    _q("CF2", DIFFICULTY, "seeing", CF1=[YES]),
    _q("CF3", DIFFICULTY, "seeing", CF1=[NO]),
    _q("CF4", YES_NO, "hearing"),
    _q("CF5", DIFFICULTY, "hearing", CF4=[YES]),
    _q("CF6", DIFFICULTY, "hearing", CF4=[NO]),
    _q("CF7", YES_NO, "walking"),
)
_WITHOUT_EQUIPMENT = (2, 3, 4)  # a child who uses equipment is not asked "no difficulty" without

CFM_2_4 = Instrument(
    "cfm_2_4",
    (
        *_SEEING_HEARING,
        _q("CF8", DIFFICULTY, "walking", _WITHOUT_EQUIPMENT, CF7=[YES]),
        _q("CF9", DIFFICULTY, "walking", CF7=[YES]),
        _q("CF10", DIFFICULTY, "walking", CF7=[NO]),
        _q("CF11", DIFFICULTY, "fine_motor"),
        _q("CF12", DIFFICULTY, "communication"),
        _q("CF13", DIFFICULTY, "communication"),
        _q("CF14", DIFFICULTY, "learning"),
        _q("CF15", DIFFICULTY, "playing"),
        _q("CF16", BEHAVIOUR, "controlling_behaviour"),
    ),
)

CFM_5_17 = Instrument(
    "cfm_5_17",
    (
        *_SEEING_HEARING,
        _q("CF8", DIFFICULTY, "walking", _WITHOUT_EQUIPMENT, CF7=[YES]),
        _q("CF9", DIFFICULTY, "walking", _WITHOUT_EQUIPMENT, CF7=[YES], CF8=[2, 3]),
        _q("CF10", DIFFICULTY, "walking", CF7=[YES]),
        _q("CF11", DIFFICULTY, "walking", CF7=[YES], CF10=NOT_CANNOT),
        _q("CF12", DIFFICULTY, "walking", CF7=[NO]),
        _q("CF13", DIFFICULTY, "walking", CF7=[NO], CF12=NOT_CANNOT),
        _q("CF14", DIFFICULTY, "self_care"),
        _q("CF15", DIFFICULTY, "communication"),
        _q("CF16", DIFFICULTY, "communication"),
        _q("CF17", DIFFICULTY, "learning"),
        _q("CF18", DIFFICULTY, "remembering"),
        _q("CF19", DIFFICULTY, "concentrating"),
        _q("CF20", DIFFICULTY, "accepting_change"),
        _q("CF21", DIFFICULTY, "controlling_behaviour"),
        _q("CF22", DIFFICULTY, "making_friends"),
        _q("CF23", FREQUENCY, "anxiety"),
        _q("CF24", FREQUENCY, "depression"),
    ),
)

# Under two, only the first eight CFM domains (seeing … controlling behaviour) can be judged.
UNDER_2_DOMAINS = CFM_DOMAINS[:8]
CLINICAL_UNDER_2 = Instrument(
    "clinical_under_2",
    tuple(_q(name, DIFFICULTY, name) for name in UNDER_2_DOMAINS),
    clinical_judgement=True,
)

INSTRUMENTS: dict[str, Instrument] = {i.name: i for i in (CFM_2_4, CFM_5_17, CLINICAL_UNDER_2)}


def get_instrument(name: str | None) -> Instrument | None:
    """Return the named instrument, or None when the portal does not know it."""
    return INSTRUMENTS.get(name or "")


def is_asked(question: Question, answers: Mapping[str, int]) -> bool:
    """Tell whether the earlier answers ask this question (every gate must hold)."""
    return all(answers.get(gate) in codes for gate, codes in question.asked_if.items())


def asked_questions(instrument: Instrument, answers: Mapping[str, int]) -> list[Question]:
    """Return the questions the answers so far ask, in order."""
    return [q for q in instrument.questions if is_asked(q, answers)]


def parse_answers(instrument: Instrument, form: Mapping[str, str]) -> dict[str, int]:
    """Read answer codes from a form; a blank, unknown or non-numeric value is no answer."""
    answers: dict[str, int] = {}
    for question in instrument.questions:
        raw = (form.get(question.code) or "").strip()
        if raw.isdigit():
            answers[question.code] = int(raw)
    return answers


def answers_to_send(instrument: Instrument, answers: Mapping[str, int]) -> dict[str, int]:
    """Keep the answers of asked questions only: a hidden follow-up's old answer is dropped."""
    kept: dict[str, int] = {}
    for question in instrument.questions:
        if question.code in answers and is_asked(question, kept):
            kept[question.code] = answers[question.code]
    return kept


def newly_asked(
    instrument: Instrument, answers: Mapping[str, int], shown: Iterable[str]
) -> list[str]:
    """Return the asked questions that were not on the page the person answered."""
    seen = set(shown)
    kept = answers_to_send(instrument, answers)
    return [q.code for q in asked_questions(instrument, kept) if q.code not in seen]
