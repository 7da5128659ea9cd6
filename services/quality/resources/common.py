"""What every quality resource does the same way: today's date, scopes, paging."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Select
from sqlalchemy.orm import Session

from shared.auth import Principal
from shared.localtime import local_day
from shared.pagination import paginate
from shared.web import current_runtime


def today() -> date:
    """Today's date in Tajikistan by the runtime's clock."""
    return local_day(current_runtime().now())


def own_provider_only(principal: Principal, query: Select, column) -> Select:
    """Narrow a query to the caller's provider when the caller is a provider."""
    if principal.role == "provider":
        return query.where(column == (principal.provider_id or ""))
    return query


def sees_provider(principal: Principal, provider_id: str) -> bool:
    """Tell whether the caller may see a provider's records."""
    return principal.role != "provider" or principal.provider_id == provider_id


def page(session: Session, query: Select, args: dict) -> dict:
    """One page of rows for a list endpoint."""
    return paginate(session, query, args["page"], args["page_size"])
