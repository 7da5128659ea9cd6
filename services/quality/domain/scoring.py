"""An inspection's compliance score and level, and what the level means for accreditation."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from shared.vocabulary import COMPLIANCE_LEVELS, RATINGS  # noqa: F401 (shared with the portal)

# Points per rating; a criterion partly met earns half.
POINTS = {"met": 1.0, "partly_met": 0.5, "not_met": 0.0}
# A provider is compliant from this score, with no criterion wholly unmet.
COMPLIANT_FROM = 80.0
PARTLY_COMPLIANT_FROM = 50.0
LEVELS = COMPLIANCE_LEVELS


@dataclass(frozen=True)
class Result:
    """What an inspection concludes."""

    score: float
    level: str
    accredited: bool
    not_met: tuple[str, ...]


def problems(criteria: Iterable[str], ratings: Mapping[str, str]) -> dict[str, str]:
    """Return what is wrong with a set of ratings, by criterion code (empty when complete)."""
    wanted = list(criteria)
    found = {
        code: "Not a criterion of the standard in force." for code in ratings if code not in wanted
    }
    found.update({code: "Rate this criterion." for code in wanted if code not in ratings})
    found.update(
        {code: f"One of: {', '.join(RATINGS)}." for code, r in ratings.items() if r not in RATINGS}
    )
    return found


def judge(ratings: Mapping[str, str]) -> Result:
    """Score ratings out of 100 and name the level; accredited unless non-compliant."""
    if not ratings:
        raise ValueError("an inspection rates at least one criterion")
    score = round(100 * sum(POINTS[r] for r in ratings.values()) / len(ratings), 1)
    not_met = tuple(code for code, r in ratings.items() if r == "not_met")
    if score >= COMPLIANT_FROM and not not_met:
        level = "compliant"
    elif score >= PARTLY_COMPLIANT_FROM:
        level = "partly_compliant"
    else:
        level = "non_compliant"
    return Result(score, level, level != "non_compliant", not_met)
