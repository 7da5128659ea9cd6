"""Rows turned into the shapes the API answers with."""

from __future__ import annotations

from datetime import date
from typing import Any

from services.quality.domain.contracts import Period, monthly_cost, total_value
from services.quality.models import Contract, Inspection, RequiredAction, Standard

ACTION_FIELDS = (
    "id", "inspection_id", "provider_id", "criterion", "description", "due_date", "status",
    "response", "responded_at", "follow_up_note", "closed_at",
)  # fmt: skip
CONTRACT_FIELDS = (
    "id", "reference", "commissioner", "provider_id", "service_type", "places",
    "price_per_place_month", "currency", "start_date", "end_date", "districts", "status",
    "revision", "created_at", "updated_at",
)  # fmt: skip


def standard_view(standard: Standard) -> dict[str, Any]:
    """A standard version."""
    names = ("id", "service_type", "version", "title", "effective_from", "criteria", "created_at")
    return {name: getattr(standard, name) for name in names}


def action_view(action: RequiredAction, today: date) -> dict[str, Any]:
    """A required action; overdue when still open past its due date."""
    view = {name: getattr(action, name) for name in ACTION_FIELDS}
    view["overdue"] = action.status == "open" and action.due_date < today
    return view


def inspection_view(
    inspection: Inspection, actions: list[RequiredAction], today: date
) -> dict[str, Any]:
    """An inspection with its actions."""
    names = (
        "id", "provider_id", "service_type", "standard_id", "standard_version", "inspected_on",
        "findings", "score", "level", "accredited", "inspector", "created_at",
    )  # fmt: skip
    view = {name: getattr(inspection, name) for name in names}
    view["required_actions"] = [action_view(a, today) for a in actions]
    return view


def contract_view(contract: Contract) -> dict[str, Any]:
    """A contract with what it costs a month and in all."""
    view = {name: getattr(contract, name) for name in CONTRACT_FIELDS}
    period = Period(contract.start_date, contract.end_date)
    view["monthly_cost"] = monthly_cost(contract.places, contract.price_per_place_month)
    view["total_value"] = total_value(contract.places, contract.price_per_place_month, period)
    return view
