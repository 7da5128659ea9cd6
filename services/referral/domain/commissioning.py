"""What the state buys and what it gets: contracted places, use, cost and unmet demand."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal


@dataclass(frozen=True)
class Contract:
    """A contract's terms as referral keeps them."""

    id: str
    provider_id: str
    service_type: str
    places: int
    price_per_place_month: Decimal
    start_date: date
    end_date: date
    districts: tuple[str, ...]
    active: bool = True

    def runs_on(self, day: date) -> bool:
        """Tell whether the contract is active and in its period on a day."""
        return self.active and self.start_date <= day <= self.end_date


def contracted_places(
    contracts: Iterable[Contract], service_types: Iterable[str], day: date
) -> int:
    """Places bought from a provider for the service types it offers, on a day."""
    offered = set(service_types)
    return sum(c.places for c in contracts if c.runs_on(day) and c.service_type in offered)


@dataclass(frozen=True)
class Funded:
    """Funded places against places used for one provider and service type."""

    provider_id: str
    service_type: str
    funded_places: int
    places_used: int
    monthly_cost: Decimal
    children_served: int

    @property
    def use_rate(self) -> float | None:
        """Share of funded places in use, or None with no funded place."""
        return round(self.places_used / self.funded_places, 3) if self.funded_places else None

    @property
    def cost_per_child_month(self) -> Decimal | None:
        """What one child receiving the service costs a month (None when nobody is served)."""
        if not self.children_served:
            return None
        return (self.monthly_cost / self.children_served).quantize(Decimal("0.01"))


def funded_vs_used(
    contracts: Iterable[Contract], used: dict[tuple[str, str], int],
    served: dict[tuple[str, str], int], day: date,
) -> list[Funded]:  # fmt: skip
    """Per provider and service type: places bought on a day against places in use."""
    places: Counter = Counter()
    cost: dict[tuple[str, str], Decimal] = {}
    for c in contracts:
        if c.runs_on(day):
            key = (c.provider_id, c.service_type)
            places[key] += c.places
            cost[key] = cost.get(key, Decimal(0)) + c.price_per_place_month * c.places
    keys = sorted(set(places) | {k for k, n in used.items() if n})
    return [
        Funded(p, s, places[(p, s)], used.get((p, s), 0), cost.get((p, s), Decimal(0)),
               served.get((p, s), 0))
        for p, s in keys
    ]  # fmt: skip


@dataclass(frozen=True)
class Gap:
    """Children without a service in one district for one service type."""

    district_code: str
    service_type: str
    waiting: int
    no_eligible_provider: int

    @property
    def unmet(self) -> int:
        """Children waiting or with no provider to wait for."""
        return self.waiting + self.no_eligible_provider


def unmet_demand(
    waiting: Iterable[tuple[str, str]], unserved: Iterable[tuple[str, str]]
) -> list[Gap]:
    """Group (district, service type) pairs of waiting and unserved children, largest first."""
    waits, nones = Counter(waiting), Counter(unserved)
    gaps = [Gap(d, s, waits[(d, s)], nones[(d, s)]) for d, s in set(waits) | set(nones)]
    return sorted(gaps, key=lambda g: (-g.unmet, g.district_code, g.service_type))


def best_new_contracts(gaps: Iterable[Gap], region_of, limit: int = 10) -> list[dict]:
    """Where a new contract would reach most children: per region and service type, the
    districts with unmet demand, largest first (a provider there could serve its neighbours)."""
    totals: dict[tuple[str, str], list[Gap]] = {}
    for gap in gaps:
        totals.setdefault((region_of(gap.district_code) or "", gap.service_type), []).append(gap)
    ranked = sorted(totals.items(), key=lambda kv: (-sum(g.unmet for g in kv[1]), kv[0]))
    return [
        {
            "region_code": region or None,
            "service_type": kind,
            "children_reached": sum(g.unmet for g in found),
            "districts": [g.district_code for g in sorted(found, key=lambda g: -g.unmet)],
            "locate_in": max(found, key=lambda g: (g.unmet, g.district_code)).district_code,
        }
        for (region, kind), found in ranked[:limit]
    ]
