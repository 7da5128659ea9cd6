"""The ministry's and the district's dashboard: every stage, providers compared, the map."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, render_template, request

from services.portal.domain import dashboard as rules
from services.portal.domain import geo
from services.portal.views import district_choices
from services.portal.web.casework_common import SERVICE_TYPE_NAMES, SERVICE_TYPES
from services.portal.web.dashboard_data import (
    CHART_MEDIANS,
    MEDIAN_NAMES,
    REGION_NAMES,
    STAGE_NAMES,
    TABLES,
    gather,
    period_text,
    read_filters,
    tables,
)
from services.portal.web.guards import current_user, roles_required
from shared.districts import DISTRICTS

bp = Blueprint("dashboard", __name__)
ROLES = ("admin", "case_manager")
EMPTY = {"waiting_for_assessment": 0, "waiting_for_place": 0, "providers": 0, "free_places": 0,
         "gap": False}  # fmt: skip


def _choices() -> dict[str, Any]:
    user = current_user()
    mine = None if user.role == "admin" else list(user.districts or [])
    return {
        "districts": district_choices(mine),
        "regions": [(c, str(n)) for c, n in REGION_NAMES.items()] if mine is None else [],
        "service_types": [(k, str(SERVICE_TYPE_NAMES[k])) for k in SERVICE_TYPES],
    }


def map_features(coverage: list[dict], chosen: dict[str, Any]) -> list[dict]:
    """A dot per district in scope at its centre, marked by the coverage report's figures
    (a district the report does not name has nobody waiting and no provider)."""
    user, reported = current_user(), {d["district_code"]: d for d in coverage}
    out = []
    for code in geo.centres():
        place = DISTRICTS.get(code)
        if place is None or not _in_scope(code, place.region_code, chosen, user):
            continue
        figures = reported.get(code) or {**EMPTY, "district_code": code}
        x, y = geo.district_point(code)
        out.append({**figures, "x": x, "y": y, "mark": geo.marking(figures)})
    # Gaps drawn last, so they are on top where dots overlap.
    order = {"quiet": 0, "covered": 1, "waiting": 2, "gap": 3}
    return sorted(out, key=lambda f: order[f["mark"]])


def _in_scope(code: str, region: str, chosen: dict[str, Any], user: Any) -> bool:
    if chosen.get("region") and region != chosen["region"]:
        return False
    if chosen.get("district") and code != chosen["district"]:
        return False
    return user.role == "admin" or code in (user.districts or [])


@bp.get("/dashboard")
@roles_required(*ROLES)
def dashboard():  # noqa: ANN201
    """Figures per stage, medians, deadlines, providers compared and the coverage map."""
    chosen, errors = read_filters()
    data = gather(chosen) if not errors else gather({**chosen, "from": None, "to": None})
    width, height = geo.map_size()
    page = render_template(
        "dashboard/dashboard.html", chosen=chosen, errors=errors, data=data,
        tables=tables(data), table_names=TABLES, choices=_choices(), query=_query(),
        funnel=rules.funnel_bars(data["stages"], width=100), stage_names=STAGE_NAMES,
        country_path=geo.country_path(), map_width=width, map_height=height,
        features=map_features(data["coverage"], chosen), median_names=MEDIAN_NAMES,
        period=period_text(chosen),
        percent=rules.percent, columns=rules.PROVIDER_COLUMNS,
        lines={k: rules.line_points([m[k] for m in data["months"]]) for k in CHART_MEDIANS},
    )  # fmt: skip
    return page, 422 if errors else 200


@bp.get("/dashboard/districts/<code>")
@roles_required(*ROLES)
def district(code: str):  # noqa: ANN201
    """A district's figures on one printable page."""
    if code not in DISTRICTS:
        abort(404)
    chosen, _errors = read_filters()
    chosen = {**chosen, "district": code, "region": ""}
    data = gather(chosen, with_months=False)
    figures = next((d for d in data["coverage"] if d["district_code"] == code), None)
    return render_template(
        "dashboard/district.html", code=code, chosen=chosen, data=data, tables=tables(data),
        figures=figures, period=period_text(chosen), percent=rules.percent,
        service_names=SERVICE_TYPE_NAMES,
    )  # fmt: skip


def _query() -> dict[str, str]:
    """The current filters as query arguments, for downloads and sorting links."""
    keep = ("region", "district", "from", "to", "service_type", "sort", "dir", "lang")
    return {k: v for k, v in request.args.items() if k in keep and v}
