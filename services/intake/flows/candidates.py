"""Fetching the registered children a new registration could duplicate, one or many at once."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import and_, bindparam, or_, select, tuple_
from sqlalchemy.orm import Session

from services.intake.domain.duplicates import ChildFacts, RegisteredChild, candidate_blocks
from services.intake.domain.name_matching import name_block
from services.intake.models import ACTIVE, Child


def facts_of(data: dict[str, Any]) -> ChildFacts:
    """Return what duplicate detection compares, from a loaded registration."""
    child = data["child"]
    return ChildFacts(
        given_name=child["given_name"],
        family_name=child["family_name"],
        date_of_birth=child["date_of_birth"],
        district_code=child["district_code"],
        guardian_phone=data["guardian"]["phone"].e164,
    )


# What duplicate detection reads of a registered child: plain rows, no ORM objects. A candidate
# is only compared, never changed, and a batch of an import may read thousands of them.
_COLUMNS = (
    Child.given_name,
    Child.family_name,
    Child.date_of_birth,
    Child.district_code,
    Child.guardian_phone,
    Child.id,
    Child.sex,
    Child.village,
    Child.registered_at,
)

# Built once: only the values change between registrations.
_CANDIDATES = select(*_COLUMNS).where(
    Child.status == ACTIVE,
    or_(
        and_(
            Child.date_of_birth == bindparam("date_of_birth"),
            Child.guardian_phone == bindparam("guardian_phone"),
        ),
        and_(
            Child.district_code == bindparam("district_code"),
            Child.family_block.in_(bindparam("blocks", expanding=True)),
        ),
    ),
)


def registered_candidates(session: Session, facts: ChildFacts) -> list[RegisteredChild]:
    """Return active children with the same birth date and phone, or a near family name block."""
    rows = session.execute(
        _CANDIDATES,
        {
            "date_of_birth": facts.date_of_birth,
            "guardian_phone": facts.guardian_phone,
            "district_code": facts.district_code,
            "blocks": sorted(candidate_blocks(facts.given_name, facts.family_name)),
        },
    )
    return [as_registered(c) for c in rows]


def as_registered(child: Any) -> RegisteredChild:
    """Return a stored child (a Child, or a row of its candidate columns) as a candidate."""
    return RegisteredChild(
        given_name=child.given_name or "",
        family_name=child.family_name or "",
        date_of_birth=child.date_of_birth,
        district_code=child.district_code,
        guardian_phone=child.guardian_phone,
        id=child.id,
        sex=child.sex,
        village=child.village,
        registered_at=child.registered_at,
    )


class CandidatePool:
    """Candidates for a whole batch fetched in one query, plus the batch's own new children.

    An import checks hundreds of rows per transaction; one query per batch instead of one per
    row keeps it fast, and adding each new child makes a row that repeats an earlier row of the
    same file a duplicate too.
    """

    def __init__(self, registered: Iterable[RegisteredChild] = ()) -> None:
        self._by_block: dict[tuple[str, str], dict[str, RegisteredChild]] = {}
        self._by_birth_phone: dict[tuple[date, str | None], dict[str, RegisteredChild]] = {}
        for child in registered:
            self.add(child)

    @classmethod
    def load(cls, session: Session, batch: list[ChildFacts]) -> CandidatePool:
        """Fetch the candidates of every registration in a batch."""
        if not batch:
            return cls()
        blocks = {(f.district_code, b) for f in batch for b in _blocks(f)}
        births = {(f.date_of_birth, f.guardian_phone) for f in batch}
        query = select(*_COLUMNS).where(
            Child.status == ACTIVE,
            or_(
                tuple_(Child.district_code, Child.family_block).in_(sorted(blocks)),
                tuple_(Child.date_of_birth, Child.guardian_phone).in_(sorted(births)),
            ),
        )
        return cls(as_registered(c) for c in session.execute(query))

    def add(self, child: RegisteredChild) -> None:
        """Make a child a candidate for the registrations that follow."""
        key = (child.district_code, name_block(child.family_name))
        self._by_block.setdefault(key, {})[child.id] = child
        birth = (child.date_of_birth, child.guardian_phone)
        self._by_birth_phone.setdefault(birth, {})[child.id] = child

    def candidates(self, facts: ChildFacts) -> list[RegisteredChild]:
        """Return the pooled children a registration could duplicate."""
        found: dict[str, RegisteredChild] = {}
        for block in _blocks(facts):
            found.update(self._by_block.get((facts.district_code, block), {}))
        found.update(self._by_birth_phone.get((facts.date_of_birth, facts.guardian_phone), {}))
        return list(found.values())


def _blocks(facts: ChildFacts) -> set[str]:
    return candidate_blocks(facts.given_name, facts.family_name)
