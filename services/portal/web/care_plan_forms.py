"""The care plan pages' words: progress marks, who does an activity, problems with a form."""

from __future__ import annotations

import re
from typing import Any

from flask_babel import lazy_gettext as _l

from services.portal.web.casework_common import DOMAIN_NAMES, api_field_errors
from services.portal.web.forms import field_errors

DOER_NAMES = {
    "provider": _l("The provider's staff"),
    "family": _l("The family"),
    "case_manager": _l("The case manager"),
    "health_worker": _l("The health worker"),
    "other": _l("Someone else"),
}
PROGRESS_NAMES = {
    "achieved": _l("Goal reached"),
    "progressing": _l("Moving towards the goal"),
    "no_change": _l("No change yet"),
    "worse": _l("Got worse"),
}
CHANGE_NAMES = {
    "improved": _l("Less difficulty"),
    "same": _l("No change"),
    "worse": _l("More difficulty"),
}
PROBLEMS = {
    "no_goal": _l("Write at least one goal: choose its area and say what the child will do."),
    "choose_domain": _l("Choose the area of functioning this goal is for."),
    "write_goal": _l("Say what the child will be able to do."),
    "write_activity": _l("Write at least one activity towards this goal."),
    "choose_doer": _l("Choose who does this activity."),
    "choose_progress": _l("Choose how far the child has come with this goal."),
    "date": _l("Write the date as dd.mm.yyyy, for example 12.04.2023."),
}
# The referral API's own messages for care plans, said in the page's language.
API_TEXTS = {
    "Must be today or later.": _l("Choose today or a later date."),
    "Must not be in the future.": _l("The review cannot be dated in the future."),
    "No completed assessment of this child with that id yet.": _l(
        "This re-assessment has not reached the referral service yet. Wait a minute and save again."
    ),
    "Give one progress mark for each goal": _l("Choose a progress mark for every goal."),
}
REFUSALS = {
    "not_in_progress": _l("A care plan can be written once the service has started."),
    "care_plan_exists": _l("This referral already has a care plan. It is shown below."),
    "care_plan_closed": _l("This care plan is closed: nothing more can be recorded."),
    "care_plan_changed": _l(
        "Someone saved this care plan while you were changing it. Below is the plan as it is "
        "now: open it for changes again and make yours."
    ),
    "transition_not_allowed": _l("This referral has already moved on. See its state below."),
    "assessment_open": _l("The child already has an assessment to do. Open it below."),
}
_FIELD = re.compile(
    r"^(goals|next_review_date|reviewed_on|progress|assessment_id|outcome|note"
    r"|goals\.\d+\.(domain|goal)|goals\.\d+\.activities\.\d+\.(activity|by|frequency)"
    r"|progress\.\d+\.(progress|note))$"
)


def said(problems: dict[str, list[str]]) -> dict[str, list[str]]:
    """The form's own problem codes as sentences."""
    return {name: [str(PROBLEMS[c]) for c in codes] for name, codes in problems.items()}


def _onto_field(name: str) -> str:
    """The field a message belongs next to (a list's own message sits at its first row)."""
    if re.match(r"^goals\.\d+\.activities$", name):
        return name + ".0.activity"
    if re.match(r"^progress\.\d+\.goal$", name):
        return "progress"
    return name if _FIELD.match(name) else "_form"


def api_errors(fields: Any) -> dict[str, list[str]]:
    """The API's field errors next to the page's fields, in the page's language."""
    out: dict[str, list[str]] = {}
    for name, messages in field_errors(fields).items():
        for message in messages:
            known = next((t for k, t in API_TEXTS.items() if message.startswith(k)), None)
            text = str(known) if known else api_field_errors({name: [message]})[name][0]
            out.setdefault(_onto_field(name), []).append(text)
    return {name: list(dict.fromkeys(texts)) for name, texts in out.items()}


def goal_slots(goals: list[dict], extra_goal: bool) -> list[dict]:
    """Goals to show in the form: those typed, each with an empty activity row, and maybe
    one empty goal (the first form has one goal with two activity rows)."""
    blank = {"activity": "", "by": "", "frequency": ""}
    slots = [{**g, "activities": [*g["activities"], dict(blank)]} for g in goals]
    if extra_goal or not slots:
        slots.append({"domain": "", "goal": "", "activities": [dict(blank), dict(blank)]})
    return slots


def domain_choices() -> list[tuple[str, str]]:
    """The Child Functioning Module's domains in the page's language."""
    return [(code, str(name)) for code, name in DOMAIN_NAMES.items()]


def coded(names: dict[str, Any]) -> list[tuple[str, str]]:
    """(code, text) pairs of a table of names."""
    return [(code, str(text)) for code, text in names.items()]
