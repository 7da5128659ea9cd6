"""Check a set of answers against an instrument: missing, unexpected and out-of-range."""

from __future__ import annotations

from collections.abc import Mapping

from .instruments import Instrument, Question, get_instrument, is_asked


def _is_code(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _codes_text(codes: tuple[int, ...]) -> str:
    return ", ".join(str(c) for c in codes)


def _gate_text(question: Question) -> str:
    parts = [
        f"{gate} is {' or '.join(str(c) for c in codes)}"
        for gate, codes in question.asked_if.items()
    ]
    return " and ".join(parts)


def _range_errors(instrument: Instrument, answers: Mapping[str, object]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for code, value in answers.items():
        question = instrument.questions.get(code)
        if question is None:
            errors[code] = [f"Unknown question for instrument {instrument.name}."]
        elif value is not None and (not _is_code(value) or value not in question.codes):
            errors[code] = [f"Must be one of {_codes_text(question.codes)}."]
    return errors


def _presence_error(question: Question, given: bool, asked: bool | None) -> str | None:
    if asked is None:
        return None  # an earlier answer is missing or invalid; that error is reported instead
    if asked and not given:
        if question.asked_if:
            return f"Missing answer: asked when {_gate_text(question)}."
        return "Missing answer."
    if given and not asked:
        return f"Not asked unless {_gate_text(question)}; remove this answer."
    return None


def validate_answers(
    instrument: str | Instrument, answers: Mapping[str, object]
) -> dict[str, list[str]]:
    """Return messages per question code; an empty dict means the answers are complete."""
    if isinstance(instrument, str):
        instrument = get_instrument(instrument)
    errors = _range_errors(instrument, answers)
    valid = {c: v for c, v in answers.items() if v is not None and c not in errors}
    for code, question in instrument.questions.items():
        if code in errors:
            continue
        message = _presence_error(question, code in valid, is_asked(question, valid))
        if message:
            errors[code] = [message]
    return errors


# Seeing and hearing are each one question asked in two wordings (with / without the aid). A form
# that filed the answer under the other wording's code (as the public contract's own example
# does: CF1 = 2 "no glasses" with the answer under CF2) is read as the wording that was asked.
AID_VARIANTS = {"CF1": ("CF2", "CF3"), "CF4": ("CF5", "CF6")}
AID_INSTRUMENTS = ("cfm_2_4", "cfm_5_17")


def reconcile_aid_variants(
    instrument: str, answers: Mapping[str, object]
) -> tuple[dict[str, object], list[str]]:
    """Move an aid-question answer filed under the other wording's code; say what moved."""
    fixed, notes = dict(answers), []
    if instrument not in AID_INSTRUMENTS:
        return fixed, notes
    for gate, (with_aid, without_aid) in AID_VARIANTS.items():
        asked, other = {1: (with_aid, without_aid), 2: (without_aid, with_aid)}.get(
            fixed.get(gate), (None, None)
        )
        if asked and fixed.get(asked) is None and fixed.get(other) is not None:
            fixed[asked] = fixed.pop(other)
            notes.append(f"{other} read as {asked} because {gate} is {answers[gate]}")
    return fixed, notes


def clean_answers(answers: Mapping[str, object]) -> dict[str, int]:
    """Drop null answers (questions skipped by the form) before storing or scoring."""
    return {code: value for code, value in answers.items() if value is not None}  # type: ignore[misc]
