"""The registration form: its choices, and the API body built from what the worker typed."""

from __future__ import annotations

from typing import Any, Protocol

from services.portal.domain.dates import parse_date
from shared.vocabulary import (  # noqa: F401 (the form offers the API's own choices)
    CONCERNS,
    GUARDIAN_LANGUAGES,
    RELATIONSHIPS,
    SCREENING_SOURCES,
    SEXES,
)

SOURCES = SCREENING_SOURCES
TEXT_FIELDS = {
    "child": (
        "given_name",
        "family_name",
        "patronymic",
        "sex",
        "district_code",
        "jamoat",
        "village",
    ),
    "guardian": ("name", "relationship", "phone", "language"),
    "consent": ("given_by",),
    "screening": ("urgent_reason", "note", "source"),
}
OPTIONAL = {
    "child.patronymic",
    "child.jamoat",
    "child.village",
    "guardian.relationship",
    "consent.given_by",
    "screening.urgent_reason",
    "screening.note",
    "screening.source",
}
# Error codes the web layer turns into sentences in the page's language.
REQUIRED, BAD_DATE, NOT_YOURS, CHOOSE = "required", "bad_date", "not_your_district", "choose"


class FormData(Protocol):
    def get(self, key: str, default: Any = None) -> Any: ...
    def getlist(self, key: str) -> list[str]: ...


def _flag(form: FormData, name: str) -> bool:
    return form.get(name, "") in ("true", "on", "1", "yes")


def build_body(form: FormData, districts: list[str]) -> tuple[dict[str, Any], dict[str, str]]:
    """Return the POST /children body and the problems found before asking the API."""
    body: dict[str, Any] = {section: {} for section in TEXT_FIELDS}
    problems: dict[str, str] = {}
    for section, names in TEXT_FIELDS.items():
        for name in names:
            value = (form.get(f"{section}.{name}", "") or "").strip()
            key = f"{section}.{name}"
            if value or key not in OPTIONAL:
                body[section][name] = value
            else:
                body[section][name] = None
    _check_child(form, body, problems, districts)
    body["guardian"]["sms_consent"] = _flag(form, "guardian.sms_consent")
    body["consent"]["data_sharing"] = form.get("consent.data_sharing", "") == "true"
    if form.get("consent.data_sharing", "") not in ("true", "false"):
        problems["consent.data_sharing"] = CHOOSE
    body["screening"]["concerns"] = [c for c in form.getlist("screening.concerns") if c in CONCERNS]
    body["screening"]["urgent"] = _flag(form, "screening.urgent")
    if body["screening"]["note"] is None:
        body["screening"]["note"] = ""
    for key in ("guardian.name", "guardian.phone", "child.given_name", "child.family_name"):
        section, name = key.split(".")
        if not body[section][name]:
            problems[key] = REQUIRED
    body["confirmed_new"] = _flag(form, "confirmed_new")
    return body, problems


def _check_child(
    form: FormData, body: dict[str, Any], problems: dict[str, str], districts: list[str]
) -> None:
    child = body["child"]
    typed = (form.get("child.date_of_birth", "") or "").strip()
    born = parse_date(typed)
    child["date_of_birth"] = born.isoformat() if born else typed
    if not typed:
        problems["child.date_of_birth"] = REQUIRED
    elif born is None:
        problems["child.date_of_birth"] = BAD_DATE
    if child["sex"] not in SEXES:
        problems["child.sex"] = CHOOSE
    if not child["district_code"]:
        problems["child.district_code"] = CHOOSE
    elif districts and child["district_code"] not in districts:
        problems["child.district_code"] = NOT_YOURS
