"""The caller's district scope, written once for every service (contract §2).

A list is narrowed with `in_districts(query, column, principal)`; one record is checked with
`Principal.covers_district(code)` (then `not_found_unless`, so a record outside the caller's
districts answers 404 exactly like a missing one). Admins see every district.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from shared.principal import Principal

Q = TypeVar("Q")


def in_districts(query: Q, column: Any, principal: Principal) -> Q:
    """Limit a query to rows whose district `column` is one of the caller's (admins: all)."""
    if principal.is_admin:
        return query
    return query.where(column.in_(principal.districts))  # type: ignore[attr-defined]


def district_set(principal: Principal) -> frozenset[str] | None:
    """The caller's districts, or None when the caller sees every district (admins)."""
    return None if principal.is_admin else frozenset(principal.districts)
