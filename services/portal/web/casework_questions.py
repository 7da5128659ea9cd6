"""The questionnaire's words: each question as read to the caregiver, and its answer options."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from services.portal.domain.questionnaire import (
    BEHAVIOUR,
    DIFFICULTY,
    FREQUENCY,
    YES_NO,
    Instrument,
    Question,
)
from services.portal.web.casework_common import DOMAIN_NAMES

SCALE_LABELS = {
    YES_NO: {1: _l("Yes"), 2: _l("No")},
    DIFFICULTY: {
        1: _l("No difficulty"),
        2: _l("Some difficulty"),
        3: _l("A lot of difficulty"),
        4: _l("Cannot do at all"),
    },
    BEHAVIOUR: {
        1: _l("Not at all"),
        2: _l("The same or less"),
        3: _l("More"),
        4: _l("A lot more"),
    },
    FREQUENCY: {
        1: _l("Daily"),
        2: _l("Weekly"),
        3: _l("Monthly"),
        4: _l("A few times a year"),
        5: _l("Never"),
    },
}

ANSWER_LABELS = {
    "no_difficulty": SCALE_LABELS[DIFFICULTY][1],
    "some_difficulty": SCALE_LABELS[DIFFICULTY][2],
    "a_lot_of_difficulty": SCALE_LABELS[DIFFICULTY][3],
    "cannot_do_at_all": SCALE_LABELS[DIFFICULTY][4],
    "not_at_all": SCALE_LABELS[BEHAVIOUR][1],
    "the_same_or_less": SCALE_LABELS[BEHAVIOUR][2],
    "more": SCALE_LABELS[BEHAVIOUR][3],
    "a_lot_more": SCALE_LABELS[BEHAVIOUR][4],
    "daily": SCALE_LABELS[FREQUENCY][1],
    "weekly": SCALE_LABELS[FREQUENCY][2],
    "monthly": SCALE_LABELS[FREQUENCY][3],
    "a_few_times_a_year": SCALE_LABELS[FREQUENCY][4],
    "never": SCALE_LABELS[FREQUENCY][5],
}

_SHARED = {
    "CF3": _l("Does %(name)s have difficulty seeing?"),
    "CF4": _l("Does %(name)s use a hearing aid?"),
    "CF5": _l(
        "When using the hearing aid, does %(name)s have difficulty hearing sounds "
        "like people's voices or music?"
    ),
    "CF6": _l("Does %(name)s have difficulty hearing sounds like people's voices or music?"),
    "CF7": _l("Does %(name)s use any equipment or receive help for walking?"),
}
_AGE_2_4 = {
    **_SHARED,
    "CF1": _l("Does %(name)s wear glasses?"),
    "CF2": _l("When wearing glasses, does %(name)s have difficulty seeing?"),
    "CF8": _l("Without the equipment or help, does %(name)s have difficulty walking?"),
    "CF9": _l("With the equipment or help, does %(name)s have difficulty walking?"),
    "CF10": _l("Compared with children of the same age, does %(name)s have difficulty walking?"),
    "CF11": _l(
        "Compared with children of the same age, does %(name)s have difficulty picking up "
        "small objects with the hand?"
    ),
    "CF12": _l("Does %(name)s have difficulty understanding you?"),
    "CF13": _l("When %(name)s speaks, do you have difficulty understanding the child?"),
    "CF14": _l(
        "Compared with children of the same age, does %(name)s have difficulty learning things?"
    ),
    "CF15": _l("Compared with children of the same age, does %(name)s have difficulty playing?"),
    "CF16": _l(
        "Compared with children of the same age, how much does %(name)s kick, bite or hit "
        "other children or adults?"
    ),
}
_AGE_5_17 = {
    **_SHARED,
    "CF1": _l("Does %(name)s wear glasses or contact lenses?"),
    "CF2": _l("When wearing glasses or contact lenses, does %(name)s have difficulty seeing?"),
    "CF8": _l(
        "Without the equipment or help, does %(name)s have difficulty walking 100 metres "
        "on level ground? That is about the length of one football field."
    ),
    "CF9": _l(
        "Without the equipment or help, does %(name)s have difficulty walking 500 metres "
        "on level ground? That is about the length of five football fields."
    ),
    "CF10": _l(
        "With the equipment or help, does %(name)s have difficulty walking 100 metres "
        "on level ground?"
    ),
    "CF11": _l(
        "With the equipment or help, does %(name)s have difficulty walking 500 metres "
        "on level ground?"
    ),
    "CF12": _l(
        "Compared with children of the same age, does %(name)s have difficulty walking "
        "100 metres on level ground?"
    ),
    "CF13": _l(
        "Compared with children of the same age, does %(name)s have difficulty walking "
        "500 metres on level ground?"
    ),
    "CF14": _l("Does %(name)s have difficulty with self-care, such as eating or dressing?"),
    "CF15": _l("When %(name)s speaks, do people in your household have difficulty understanding?"),
    "CF16": _l(
        "When %(name)s speaks, do people outside your household have difficulty understanding?"
    ),
    "CF17": _l(
        "Compared with children of the same age, does %(name)s have difficulty learning things?"
    ),
    "CF18": _l(
        "Compared with children of the same age, does %(name)s have difficulty remembering things?"
    ),
    "CF19": _l("Does %(name)s have difficulty concentrating on an activity that the child enjoys?"),
    "CF20": _l("Does %(name)s have difficulty accepting changes in the daily routine?"),
    "CF21": _l(
        "Compared with children of the same age, does %(name)s have difficulty "
        "controlling their behaviour?"
    ),
    "CF22": _l("Does %(name)s have difficulty making friends?"),
    "CF23": _l("How often does %(name)s seem very anxious, nervous or worried?"),
    "CF24": _l("How often does %(name)s seem very sad or depressed?"),
}
TEXTS = {"cfm_2_4": _AGE_2_4, "cfm_5_17": _AGE_5_17}
INSTRUMENT_NAMES = {
    "cfm_2_4": _l("Child Functioning Module, ages 2–4"),
    "cfm_5_17": _l("Child Functioning Module, ages 5–17"),
    "clinical_under_2": _l("Under 2 years: your clinical judgement for each area"),
}


def question_text(instrument: Instrument, question: Question, name: str) -> str:
    """Return the question as read to the mother or main caregiver, with the child's name."""
    if instrument.clinical_judgement:
        return _("Your judgement: %(area)s", area=DOMAIN_NAMES[question.code])
    return str(TEXTS[instrument.name][question.code]).replace("%(name)s", name)


def answer_options(question: Question) -> list[tuple[int, str]]:
    """Return (code, label) for each answer this question accepts."""
    labels = SCALE_LABELS[question.scale]
    return [(code, str(labels[code])) for code in question.codes]
