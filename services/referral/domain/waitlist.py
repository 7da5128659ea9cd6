"""The waiting list: queue order, positions per service type and region, who gets a freed place."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from .matching import Child, Provider, is_eligible


class Priority(StrEnum):
    """A child's priority as the assessment set it."""

    URGENT = "urgent"
    HIGH = "high"
    ROUTINE = "routine"


PRIORITY_RANK: dict[str, int] = {Priority.URGENT: 0, Priority.HIGH: 1, Priority.ROUTINE: 2}


@dataclass(frozen=True)
class WaitingChild:
    """One child waiting for one service type in one region."""

    entry_id: str
    child_id: str
    service_type: str
    region_code: str
    district_code: str
    priority: str
    waiting_since: datetime
    date_of_birth: date | None = None
    language: str | None = None

    def as_child(self) -> Child:
        """Return the child as matching sees it."""
        return Child(self.district_code, self.date_of_birth, language=self.language)


def queue_key(entry: WaitingChild) -> tuple:
    """Order the queue: higher priority first, then longer waiting, then a stable tie-break."""
    # An unknown priority waits behind routine rather than jumping the queue.
    rank = PRIORITY_RANK.get(entry.priority, len(PRIORITY_RANK))
    return (rank, entry.waiting_since, entry.entry_id)


def ordered(entries: Iterable[WaitingChild]) -> list[WaitingChild]:
    """Return the entries in queue order."""
    return sorted(entries, key=queue_key)


def positions(entries: Iterable[WaitingChild]) -> dict[str, int]:
    """Return each entry's 1-based position within its (service type, region) queue."""
    queues: dict[tuple[str, str], list[WaitingChild]] = defaultdict(list)
    for entry in entries:
        queues[(entry.service_type, entry.region_code)].append(entry)
    result: dict[str, int] = {}
    for queue in queues.values():
        for position, entry in enumerate(ordered(queue), start=1):
            result[entry.entry_id] = position
    return result


def position_of(entry_id: str, entries: Iterable[WaitingChild]) -> int:
    """Return one entry's position in its queue; KeyError when it is not waiting."""
    return positions(entries)[entry_id]


def choose_for_provider(
    entries: Iterable[WaitingChild],
    provider: Provider,
    today: date,
    service_type: str | None = None,
) -> WaitingChild | None:
    """Pick the best-placed waiting child the provider may take into a free place."""
    if provider.free_places <= 0:
        return None
    candidates = [
        entry
        for entry in entries
        if (service_type is None or entry.service_type == service_type)
        and is_eligible(entry.as_child(), provider, entry.service_type, today)
    ]
    return min(candidates, key=queue_key, default=None)
