"""Form helpers: API field errors onto form fields, dates, and re-rendering with 422."""

from __future__ import annotations

from typing import Any

from services.portal.domain.dates import parse_date


def field_errors(fields: Any, prefix: str = "") -> dict[str, list[str]]:
    """Flatten marshmallow's nested {section: {field: [msgs]}} into {'section.field': [msgs]}."""
    out: dict[str, list[str]] = {}
    if isinstance(fields, list):
        if all(isinstance(m, str) for m in fields):
            out[prefix or "_form"] = list(fields)
            return out
        for index, item in enumerate(fields):
            out.update(field_errors(item, f"{prefix}.{index}" if prefix else str(index)))
        return out
    if isinstance(fields, dict):
        for key, value in fields.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            out.update(field_errors(value, name))
        return out
    if fields:
        out[prefix or "_form"] = [str(fields)]
    return out


def attach_list_errors(errors: dict[str, list[str]], list_fields: tuple[str, ...]) -> None:
    """Move 'screening.concerns.0' style errors onto the list field itself."""
    for name in list(errors):
        for field in list_fields:
            if name.startswith(field + "."):
                errors.setdefault(field, []).extend(errors.pop(name))


def form_date(value: str) -> str | None:
    """Return a typed date as yyyy-mm-dd for the APIs, or None when it is not a date."""
    parsed = parse_date(value or "")
    return parsed.isoformat() if parsed else None
