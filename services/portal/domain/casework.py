"""Case manager's rules for pages: worklist order, district filter, reasons of a match."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import datetime, tzinfo
from typing import Any

Record = Mapping[str, Any]


def worklist_order(item: Record) -> tuple:
    """Sort key: overdue first, then urgent, then the earliest due date, then the oldest."""
    return (
        not item.get("overdue"),
        not item.get("urgent"),
        item.get("due_date") or "9999-12-31",
        item.get("waiting_since") or item.get("created_at") or "",
    )


def arrange_worklist(items: Iterable[Record], district: str | None = None) -> list[Record]:
    """Return the worklist in one district (all when none) in the order to work through it."""
    chosen = [i for i in items if not district or i.get("district_code") == district]
    return sorted(chosen, key=worklist_order)


def match_reasons(match: Record, child_language: str | None = None) -> list[tuple[str, dict]]:
    """Return why a provider fits, as (reason, values) pairs the page words in its language."""
    provider = match.get("provider") or {}
    free, places = match.get("free_places", 0), provider.get("places", 0)
    reasons: list[tuple[str, dict]] = [
        ("free_places" if free else "full", {"free": free, "places": places}),
        (_proximity(match, provider), {}),
        ("accredited" if provider.get("accredited") else "not_accredited", {}),
    ]
    km = match.get("distance_km")
    if km is not None:
        reasons.append(("near" if km < 1 else "distance", {"km": round(km)}))
    if child_language:
        speaks = child_language in (provider.get("languages") or ())
        reasons.append(("speaks" if speaks else "does_not_speak", {"language": child_language}))
    return reasons


def _proximity(match: Record, provider: Record) -> str:
    if not provider.get("district_code"):
        return "proximity_unknown"  # the referral service ranks these as elsewhere
    return f"proximity_{match.get('proximity') or 'elsewhere'}"


_MOMENT = re.compile(
    r"^\s*(?:(\d{1,2})[./](\d{1,2})[./](\d{4})|(\d{4})-(\d{1,2})-(\d{1,2}))"
    r"[ T,]+(\d{1,2})[:.](\d{2})"
    r"(?::\d{2}(?:\.\d+)?)?\s*$"
)


def parse_local_moment(text: str, zone: tzinfo) -> datetime | None:
    """Read 'dd.mm.yyyy HH:MM' or 'yyyy-mm-dd HH:MM' (or with a T) as a time in `zone`."""
    match = _MOMENT.match(text or "")
    if match is None:
        return _iso_moment(text)
    d, m, y, iy, im, id_, hour, minute = match.groups()
    year, month, day = (int(iy), int(im), int(id_)) if iy else (int(y), int(m), int(d))
    try:
        return datetime(year, month, day, int(hour), int(minute), tzinfo=zone)
    except ValueError:
        return None


def _iso_moment(text: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat((text or "").strip())
    except ValueError:
        return None
    return moment if moment.tzinfo else None
