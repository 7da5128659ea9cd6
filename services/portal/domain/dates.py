"""Dates as people write them: dd.mm.yyyy (also d.m.yyyy, dd/mm/yyyy) or yyyy-mm-dd."""

from __future__ import annotations

import re
from datetime import date, datetime

from shared.localtime import LOCAL_TZ

_DMY = re.compile(r"^\s*(\d{1,2})[./-](\d{1,2})[./-](\d{4})\s*$")
_ISO = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")


def parse_date(text: str) -> date | None:
    """Return the date written, or None when it is empty or not a real date."""
    for pattern, order in ((_ISO, (0, 1, 2)), (_DMY, (2, 1, 0))):
        match = pattern.match(text or "")
        if match:
            parts = match.groups()
            try:
                return date(int(parts[order[0]]), int(parts[order[1]]), int(parts[order[2]]))
            except ValueError:
                return None
    return None


def show_date(value: date | datetime | str | None) -> str:
    """Return a date as dd.mm.yyyy ('' for none); ISO strings are accepted."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            parsed = parse_date(value)
            if parsed is None:
                return value
            value = parsed
    if isinstance(value, datetime) and value.tzinfo is not None:
        value = value.astimezone(LOCAL_TZ)
    return value.strftime("%d.%m.%Y")


def show_datetime(value: datetime | str | None) -> str:
    """Return a moment as dd.mm.yyyy HH:MM in Dushanbe time ('' for none)."""
    if not value:
        return ""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return value
    if value.tzinfo is not None:
        value = value.astimezone(LOCAL_TZ)
    return value.strftime("%d.%m.%Y %H:%M")
