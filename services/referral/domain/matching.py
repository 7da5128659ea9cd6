"""Which providers can take a child for a service type, in what order, and why."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import IntEnum

from shared.ages import age_in_years
from shared.vocabulary import SERVICE_TYPES  # noqa: F401 (the referral vocabulary lives in shared)

from .geography import Geography, haversine_km

SERVICE_TYPE_LABELS = {
    "home_based": "home-based care",
    "day_care": "day care",
    "residential": "residential care",
}
# Inspected and compliant first, then partly compliant, then not inspected, then non-compliant.
COMPLIANCE_ORDER = {"compliant": 0, "partly_compliant": 1, None: 2, "non_compliant": 3}
COMPLIANCE_LABELS = {
    "compliant": "meets the service standard",
    "partly_compliant": "partly meets the service standard",
    "non_compliant": "does not meet the service standard",
}
LANGUAGE_NAMES = {"tg": "Tajik", "ru": "Russian", "uz": "Uzbek", "en": "English", "ky": "Kyrgyz"}


class Proximity(IntEnum):
    """Where a provider is located relative to the child's district; lower ranks first."""

    SAME_DISTRICT = 0
    SAME_REGION = 1
    ELSEWHERE = 2


@dataclass(frozen=True)
class Child:
    """The little matching needs to know about a child."""

    district_code: str
    date_of_birth: date | None = None
    age_years: int | None = None
    language: str | None = None

    def age_on(self, today: date) -> int | None:
        """Return the child's age in completed years on `today`."""
        if self.date_of_birth is None:
            return self.age_years
        return age_in_years(self.date_of_birth, today)


@dataclass(frozen=True)
class Provider:
    """A provider as matching sees it: what it offers, where, to whom, with how many places."""

    id: str
    name: str
    service_types: tuple[str, ...]
    districts_served: tuple[str, ...]
    district_code: str | None = None
    min_age: int | None = None
    max_age: int | None = None
    places: int = 0
    places_taken: int = 0
    accredited: bool = False
    active: bool = True
    latitude: float | None = None
    longitude: float | None = None
    languages: tuple[str, ...] = ()
    compliance_level: str | None = None
    compliance_score: float | None = None
    last_inspection_date: date | None = None

    @property
    def compliance_rank(self) -> int:
        """Where the last inspection puts the provider; lower ranks first."""
        return COMPLIANCE_ORDER.get(self.compliance_level, COMPLIANCE_ORDER[None])

    @property
    def free_places(self) -> int:
        """Places not taken by accepted or in-progress referrals (never negative)."""
        return max(self.places - self.places_taken, 0)


@dataclass(frozen=True)
class Match:
    """A provider judged for one child and service type, with reasons a case manager reads."""

    provider: Provider
    eligible: bool
    reasons: tuple[str, ...]
    proximity: Proximity
    distance_km: float | None

    @property
    def free_places(self) -> int:
        """Free places at the provider."""
        return self.provider.free_places


def ineligibility(
    child: Child,
    provider: Provider,
    service_type: str,
    today: date,
    geography: Geography | None = None,
) -> list[str]:
    """Return why `provider` cannot take `child` for `service_type`; empty means eligible."""
    reasons = []
    if not provider.active:
        reasons.append("not active")
    if service_type not in provider.service_types:
        label = SERVICE_TYPE_LABELS.get(service_type, service_type)
        reasons.append(f"does not offer {label}")
    age = child.age_on(today)
    if age is None:
        reasons.append("child's age is unknown")
    elif not _age_fits(age, provider):
        reasons.append(f"takes ages {_age_range(provider)}; child is {age}")
    if child.district_code not in provider.districts_served:
        district = geography.name_of(child.district_code) if geography else child.district_code
        reasons.append(f"does not serve {district}")
    return reasons


def is_eligible(child: Child, provider: Provider, service_type: str, today: date) -> bool:
    """Tell whether `provider` may be sent a referral for `child` and `service_type`."""
    return not ineligibility(child, provider, service_type, today)


def assess(
    child: Child, provider: Provider, service_type: str, today: date, geography: Geography
) -> Match:
    """Judge one provider for a child: eligibility, proximity, distance and the reasons."""
    proximity = _proximity(child, provider, geography)
    distance = _distance_km(child, provider, geography)
    why_not = ineligibility(child, provider, service_type, today, geography)
    if why_not:
        return Match(provider, False, tuple(why_not), proximity, distance)
    reasons = [
        _capacity_reason(provider),
        _place_reason(child, provider, proximity, geography),
        "accredited" if provider.accredited else "not accredited",
    ]
    if provider.compliance_level is not None:
        reasons.insert(2, _compliance_reason(provider))
    if distance is not None:
        reasons.append(_distance_text(distance))
    if child.language:
        reasons.append(_language_reason(child.language, provider))
    return Match(provider, True, tuple(reasons), proximity, distance)


def rank_key(match: Match) -> tuple:
    """Order matches: free places, compliance, proximity, accreditation, distance, name."""
    distance = match.distance_km
    return (
        match.free_places == 0,
        match.provider.compliance_rank,
        match.proximity,
        not match.provider.accredited,
        distance is None,
        distance if distance is not None else 0.0,
        match.provider.name.casefold(),
        match.provider.id,
    )


def rank(
    child: Child,
    providers: Iterable[Provider],
    service_type: str,
    today: date,
    geography: Geography,
) -> tuple[list[Match], list[Match]]:
    """Return (eligible matches best first, ineligible ones with their reasons by name)."""
    judged = [assess(child, p, service_type, today, geography) for p in providers]
    eligible = sorted((m for m in judged if m.eligible), key=rank_key)
    ineligible = sorted(
        (m for m in judged if not m.eligible),
        key=lambda m: (m.provider.name.casefold(), m.provider.id),
    )
    return eligible, ineligible


def any_free_place(matches: Iterable[Match]) -> bool:
    """Tell whether any eligible match has a free place (otherwise the child may wait)."""
    return any(m.eligible and m.free_places > 0 for m in matches)


def _age_fits(age: int, provider: Provider) -> bool:
    low_ok = provider.min_age is None or age >= provider.min_age
    high_ok = provider.max_age is None or age <= provider.max_age
    return low_ok and high_ok


def _age_range(provider: Provider) -> str:
    low = provider.min_age if provider.min_age is not None else 0
    return f"{low}–{provider.max_age}" if provider.max_age is not None else f"{low} and over"


def _proximity(child: Child, provider: Provider, geography: Geography) -> Proximity:
    if provider.district_code is None:
        return Proximity.ELSEWHERE
    if provider.district_code == child.district_code:
        return Proximity.SAME_DISTRICT
    region = geography.region_of(child.district_code)
    if region is not None and region == geography.region_of(provider.district_code):
        return Proximity.SAME_REGION
    return Proximity.ELSEWHERE


def _distance_km(child: Child, provider: Provider, geography: Geography) -> float | None:
    centre = geography.centre_of(child.district_code)
    if centre is None or provider.latitude is None or provider.longitude is None:
        return None
    return haversine_km(centre, (provider.latitude, provider.longitude))


def _capacity_reason(provider: Provider) -> str:
    free = provider.free_places
    text = f"{free} of {provider.places} places free"
    return text if free else f"full: {text}"


def _compliance_reason(provider: Provider) -> str:
    label = COMPLIANCE_LABELS.get(provider.compliance_level, provider.compliance_level)
    score = f"{provider.compliance_score:g}" if provider.compliance_score is not None else "?"
    return f"{label} (score {score}/100, inspected {provider.last_inspection_date})"


def _place_reason(child: Child, provider: Provider, proximity: Proximity, geo: Geography) -> str:
    serves = f"serves {geo.name_of(child.district_code)}"
    if proximity is Proximity.SAME_DISTRICT:
        return f"{serves}; located in the same district"
    if provider.district_code is None:
        return f"{serves}; location not recorded"
    where = geo.name_of(provider.district_code)
    if proximity is Proximity.SAME_REGION:
        return f"{serves}; located in the same region ({where})"
    return f"{serves}; located elsewhere ({where}, {geo.region_name_of(provider.district_code)})"


def _distance_text(km: float) -> str:
    return "< 1 km" if km < 1 else f"≈{round(km)} km"


def _language_reason(language: str, provider: Provider) -> str:
    name = LANGUAGE_NAMES.get(language, language)
    if language in provider.languages:
        return f"works in {name}"
    return f"does not list {name} among its languages"
