"""Likely duplicates of a new registration among children already registered."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from .name_matching import NAME_MATCH_THRESHOLD, name_block, name_similarity

SAME_BIRTH_DATE_AND_PHONE = "same_date_of_birth_and_guardian_phone"
SIMILAR_NAME_IN_DISTRICT = "similar_name_in_same_district"
REASON_MESSAGES = {
    SAME_BIRTH_DATE_AND_PHONE: "Same date of birth and the same guardian phone.",
    SIMILAR_NAME_IN_DISTRICT: "A similar name in the same district.",
}


@dataclass(frozen=True)
class ChildFacts:
    """What duplicate detection compares: names, date of birth, district, guardian phone."""

    given_name: str
    family_name: str
    date_of_birth: date
    district_code: str
    guardian_phone: str | None  # E.164

    @property
    def full_name(self) -> str:
        """Return given and family name, the part of a name that identifies a child."""
        return f"{self.given_name} {self.family_name}"


@dataclass(frozen=True)
class RegisteredChild(ChildFacts):
    """A child already on the register, as a duplicate candidate."""

    id: str
    sex: str | None = None
    village: str | None = None
    registered_at: datetime | None = None


@dataclass(frozen=True)
class LikelyDuplicate:
    """A registered child who may be the new registration, and why."""

    child: RegisteredChild
    reasons: tuple[str, ...]
    name_similarity: float = field(default=0.0)

    def summary(self) -> dict[str, object]:
        """Return what a worker needs to recognise the child, for the 409 body."""
        child = self.child
        return {
            "id": child.id,
            "given_name": child.given_name,
            "family_name": child.family_name,
            "sex": child.sex,
            "date_of_birth": child.date_of_birth.isoformat(),
            "district_code": child.district_code,
            "village": child.village,
            "registered_at": child.registered_at.isoformat() if child.registered_at else None,
            "reasons": list(self.reasons),
            "name_similarity": round(self.name_similarity, 3),
        }


def find_likely_duplicates(
    new: ChildFacts,
    registered: Iterable[RegisteredChild],
    threshold: float = NAME_MATCH_THRESHOLD,
) -> list[LikelyDuplicate]:
    """Return registered children who are likely the new child, strongest evidence first."""
    found = []
    for child in registered:
        similarity = name_similarity(new.full_name, child.full_name)
        reasons = _reasons(new, child, similarity, threshold)
        if reasons:
            found.append(LikelyDuplicate(child, reasons, similarity))
    return sorted(found, key=lambda d: (-len(d.reasons), -d.name_similarity, d.child.id))


def _reasons(
    new: ChildFacts, child: RegisteredChild, similarity: float, threshold: float
) -> tuple[str, ...]:
    reasons = []
    if (
        new.guardian_phone
        and new.guardian_phone == child.guardian_phone
        and new.date_of_birth == child.date_of_birth
    ):
        reasons.append(SAME_BIRTH_DATE_AND_PHONE)
    if new.district_code == child.district_code and similarity >= threshold:
        reasons.append(SIMILAR_NAME_IN_DISTRICT)
    return tuple(reasons)


def candidate_blocks(given_name: str, family_name: str) -> set[str]:
    """Return the family-name blocks to fetch candidates by (both, in case names were swapped)."""
    return {name_block(family_name), name_block(given_name)}
