"""Rows of a district register (CSV) turned into registrations, with each row's problems."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Any

from marshmallow import ValidationError

from services.intake.schemas import ChildCreateSchema

REQUIRED_COLUMNS = (
    "given_name",
    "family_name",
    "sex",
    "date_of_birth",
    "district_code",
    "guardian_name",
    "guardian_phone",
)
OPTIONAL_COLUMNS = (
    "patronymic",
    "jamoat",
    "village",
    "address_notes",
    "guardian_relationship",
    "guardian_language",
    "sms_consent",
    "data_sharing_consent",
    "consent_given_by",
    "concerns",
    "urgent",
    "urgent_reason",
    "screening_source",
    "note",
)
COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS

# Registers are typed by hand in Tajik, Russian or English; accept the usual spellings.
_TRUE = {"yes", "y", "true", "1", "ҳа", "ha", "да", "da"}
_FALSE = {"no", "n", "false", "0", "не", "ne", "нет", "net", "нест"}
_SEXES = {
    "female": "female",
    "f": "female",
    "ж": "female",
    "male": "male",
    "m": "male",
    "м": "male",
}
_DOTTED_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")
_SCHEMA = ChildCreateSchema()


@dataclass
class ParsedRow:
    """One line of the file: a loaded registration or the reasons it cannot be one."""

    line: int
    key: str
    registration: dict[str, Any] | None = None
    problems: list[str] = field(default_factory=list)


def missing_columns(header: list[str]) -> list[str]:
    """Return the required columns the file's header lacks."""
    return [c for c in REQUIRED_COLUMNS if c not in header]


def unknown_columns(header: list[str]) -> list[str]:
    """Return header names the importer does not know (a typo would silently lose data)."""
    return [c for c in header if c not in COLUMNS]


def parse_row(line: int, row: dict[str, str | None]) -> ParsedRow:
    """Validate one CSV row through the same schema as the API."""
    values = {k: (v or "").strip() for k, v in row.items() if k in COLUMNS}
    parsed = ParsedRow(line=line, key=row_key(values))
    problems: list[str] = []
    body = _body(values, problems)
    try:
        parsed.registration = _SCHEMA.load(body)
    except ValidationError as exc:
        problems.extend(flatten_messages(exc.messages))
    parsed.problems = problems
    if problems:
        parsed.registration = None
    return parsed


def row_key(values: dict[str, str]) -> str:
    """Return a key of the row's content, so importing the same row again is recognised."""
    canonical = "\x1f".join(f"{c}={values.get(c, '')}" for c in COLUMNS)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _body(values: dict[str, str], problems: list[str]) -> dict[str, Any]:
    def text(column: str) -> str | None:
        return values.get(column) or None

    def flag(column: str, default: bool) -> Any:
        return _boolean(values.get(column, ""), column, default, problems)

    consent = flag("data_sharing_consent", False)
    return {
        "child": {
            "given_name": values.get("given_name", ""),
            "family_name": values.get("family_name", ""),
            "patronymic": text("patronymic"),
            "sex": _SEXES.get(values.get("sex", "").lower(), values.get("sex", "")),
            "date_of_birth": _iso_date(values.get("date_of_birth", "")),
            "district_code": values.get("district_code", "").lower(),
            "jamoat": text("jamoat"),
            "village": text("village"),
            "address_notes": text("address_notes"),
        },
        "guardian": {
            "name": values.get("guardian_name", ""),
            "relationship": text("guardian_relationship"),
            "phone": values.get("guardian_phone", ""),
            "language": text("guardian_language") or "tg",
            "sms_consent": flag("sms_consent", False),
        },
        "consent": {"data_sharing": consent, "given_by": text("consent_given_by")}
        if consent
        else None,
        "screening": {
            "concerns": [
                c.strip() for c in re.split(r"[;,|]", values.get("concerns", "")) if c.strip()
            ],
            "urgent": flag("urgent", False),
            "urgent_reason": text("urgent_reason"),
            "note": text("note"),
            "source": text("screening_source"),
        },
    }


def _boolean(raw: str, column: str, default: bool, problems: list[str]) -> bool:
    value = raw.strip().lower()
    if not value:
        return default
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    problems.append(f"{column}: write yes or no, not {raw!r}.")
    return default


def _iso_date(raw: str) -> str:
    """Accept 2023-04-12 and the 12.04.2023 the registers often use."""
    match = _DOTTED_DATE.fullmatch(raw)
    if match:
        day, month, year = match.groups()
        return f"{year}-{int(month):02d}-{int(day):02d}"
    return raw


# API field path → CSV column, so a problem names the column the district staff typed in.
_COLUMN_OF = {
    **{f"child.{c}": c for c in ("given_name", "family_name", "patronymic", "sex")},
    **{f"child.{c}": c for c in ("date_of_birth", "district_code", "jamoat", "village")},
    "child.address_notes": "address_notes",
    "guardian.name": "guardian_name",
    "guardian.relationship": "guardian_relationship",
    "guardian.phone": "guardian_phone",
    "guardian.language": "guardian_language",
    "guardian.sms_consent": "sms_consent",
    "consent.given_by": "consent_given_by",
    "screening.concerns": "concerns",
    "screening.urgent_reason": "urgent_reason",
    "screening.source": "screening_source",
    "screening.note": "note",
}


def flatten_messages(messages: Any, path: str = "") -> list[str]:
    """Turn marshmallow's nested messages into "column: message" lines."""
    if isinstance(messages, dict):
        return [
            line
            for name, value in messages.items()
            for line in flatten_messages(value, path if name == "_schema" else _join(path, name))
        ]
    if isinstance(messages, list):
        return [line for m in messages for line in flatten_messages(m, path)]
    return [f"{_COLUMN_OF.get(path, path or 'row')}: {messages}"]


def _join(path: str, name: Any) -> str:
    # List positions (concerns[1]) add nothing a person needs: the column is enough.
    if isinstance(name, int):
        return path
    return f"{path}.{name}" if path else str(name)
