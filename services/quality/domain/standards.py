"""Service standards as versioned data: which version an inspection is judged against."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from shared.vocabulary import STANDARD_SERVICE_TYPES

# The six adopted service specifications; the first three are the types children are referred to.
SERVICE_TYPES = STANDARD_SERVICE_TYPES


@dataclass(frozen=True)
class Criterion:
    """One criterion of a standard, with the indicators an inspector looks for."""

    code: str
    text: str
    indicators: tuple[str, ...] = ()


@dataclass(frozen=True)
class StandardVersion:
    """One version of a service type's standard, in force from a date."""

    id: str
    service_type: str
    version: int
    effective_from: date
    criteria: tuple[Criterion, ...]

    @property
    def codes(self) -> tuple[str, ...]:
        """The criterion codes, in the standard's order."""
        return tuple(c.code for c in self.criteria)


def in_force(versions: Iterable[StandardVersion], on: date) -> StandardVersion | None:
    """Return the version in force on a date: the latest that took effect on or before it."""
    started = [v for v in versions if v.effective_from <= on]
    if not started:
        return None
    return max(started, key=lambda v: (v.effective_from, v.version))


def next_version(versions: Iterable[StandardVersion]) -> int:
    """The number the next version of a standard takes."""
    return max((v.version for v in versions), default=0) + 1
