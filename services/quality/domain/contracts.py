"""Contracts the state signs with providers: validity and what they cost."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal


@dataclass(frozen=True)
class Period:
    """A contract's period, both dates included."""

    start: date
    end: date

    @property
    def months(self) -> int:
        """Whole or started calendar months in the period."""
        return (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1


def period_problems(start: date, end: date) -> dict[str, list[str]]:
    """Return field errors of a contract period (empty when valid)."""
    if end < start:
        return {"end_date": ["Must not be before start_date."]}
    return {}


def monthly_cost(places: int, price_per_place_month: Decimal) -> Decimal:
    """What the state pays a month for the places bought."""
    return (price_per_place_month * places).quantize(Decimal("0.01"))


def total_value(places: int, price_per_place_month: Decimal, period: Period) -> Decimal:
    """What the contract is worth over its whole period."""
    return monthly_cost(places, price_per_place_month) * period.months
