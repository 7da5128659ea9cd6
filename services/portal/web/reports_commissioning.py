"""/reports/commissioning: places bought against places used, cost per child, unmet demand."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from flask import Blueprint, abort, render_template, request
from flask_babel import gettext as _

from services.portal.apis import ApiError, ApiUnavailable
from services.portal.domain.dashboard import percent
from services.portal.domain.dates import parse_date
from services.portal.views import district_name
from services.portal.web.casework_common import apis
from services.portal.web.dashboard_data import REGION_NAMES, Table
from services.portal.web.dashboard_downloads import table_download
from services.portal.web.errors import api_error_message, unavailable_message
from services.portal.web.guards import roles_required
from services.portal.web.quality_common import date_error, service_type_name, today

bp = Blueprint("reports_commissioning", __name__)
TABLES = ("funded", "unmet", "where")


def _day() -> tuple[date | None, dict[str, list[str]]]:
    text = (request.args.get("on") or "").strip()
    if not text:
        return None, {}
    day = parse_date(text)
    return day, ({} if day else {"on": [date_error()]})


def _report(day: date | None, notices: list[str]) -> dict[str, Any]:
    params = {"on": day.isoformat()} if day else None
    try:
        return apis().referral.get("/reports/commissioning", params=params)
    except ApiUnavailable as error:
        notices.append(unavailable_message(error.service))
    except ApiError as error:
        if error.status >= 500:
            raise
        notices.append(api_error_message(error))
    return {}


def tables(body: dict[str, Any]) -> dict[str, Table]:
    """The report's three tables in the page's language."""
    funded = Table(
        _("Places bought and used"),
        [_("Provider"), _("Service"), _("Places bought"), _("Places used"),
         _("Children served"), _("Use of places"), _("Cost a month, TJS"),
         _("Cost per child a month, TJS")],
        [[f["provider_name"] or f["provider_id"], service_type_name(f["service_type"]),
          f["funded_places"], f["places_used"], f["children_served"], percent(f["use_rate"]),
          _money(f["monthly_cost"]), _money(f["cost_per_child_month"])]
         for f in body.get("funded", [])],
        {2, 3, 4, 5, 6, 7},
    )  # fmt: skip
    unmet = Table(
        _("Children without a place"),
        [_("District"), _("Region"), _("Service"), _("On a waiting list"),
         _("No provider may take them"), _("Without a place in all")],
        [[district_name(g["district_code"]), str(REGION_NAMES.get(g["region_code"] or "", "")),
          service_type_name(g["service_type"]), g["waiting"], g["no_eligible_provider"],
          g["unmet"]] for g in body.get("unmet_demand", [])],
        {3, 4, 5},
    )  # fmt: skip
    where = Table(
        _("Where a new contract would reach most children"),
        [_("Region"), _("Service"), _("Children it would reach"), _("Place it in"),
         _("Districts")],
        [[str(REGION_NAMES.get(w["region_code"] or "", "")), service_type_name(w["service_type"]),
          w["children_reached"], district_name(w["locate_in"]),
          ", ".join(district_name(d) for d in w["districts"])]
         for w in body.get("where_to_contract", [])],
        {2},
    )  # fmt: skip
    return {"funded": funded, "unmet": unmet, "where": where}


def _money(value: str | None) -> Decimal | None:
    """The API's decimal string as an exact number: shown and written to CSV with its two
    decimals as the API gives them, and a number spreadsheets can add up in XLSX."""
    return None if value is None else Decimal(value)


@bp.get("/reports/commissioning")
@roles_required("admin")
def commissioning():  # noqa: ANN201
    """The ministry's commissioning figures as tables, each downloadable."""
    day, errors = _day()
    notices: list[str] = []
    body = _report(day, notices) if not errors else {}
    query = {k: v for k, v in request.args.items() if k in ("on", "lang") and v and not errors}
    page = render_template(
        "quality/commissioning.html", body=body, tables=tables(body) if body else {},
        totals=body.get("totals") or {}, notices=notices, errors=errors, query=query,
        on=request.args.get("on", ""),
    )  # fmt: skip
    return page, 422 if errors else 200


@bp.get("/reports/commissioning/<name>.<fmt>")
@roles_required("admin")
def download(name: str, fmt: str):  # noqa: ANN201
    """One table of the report as CSV or XLSX, in the page's language."""
    if name not in TABLES or fmt not in ("csv", "xlsx"):
        abort(404)
    day, errors = _day()
    if errors:
        abort(400)
    notices: list[str] = []
    body = _report(day, notices)
    if notices:
        abort(503)
    table = tables(body)[name]
    filename = f"commissioning-{name}-{body.get('on') or today().isoformat()}.{fmt}"
    return table_download(table, fmt, filename)
