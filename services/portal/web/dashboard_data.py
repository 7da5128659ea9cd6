"""What the dashboard shows, gathered from the referral API's reports and arranged as tables."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from flask import request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from services.portal.apis import ApiError, ApiUnavailable
from services.portal.domain import dashboard as rules
from services.portal.domain.dates import parse_date, show_date
from services.portal.views import district_name, language
from services.portal.web.casework_common import SERVICE_TYPE_NAMES, SERVICE_TYPES, apis
from services.portal.web.errors import api_error_message, unavailable_message
from shared.codes import DECLINE_REASONS
from shared.districts import DISTRICTS, REGIONS
from shared.localtime import local_day

STAGE_NAMES = {
    "registered": _l("Children registered"), "waiting_for_assessment": _l("Waiting for assessment"),
    "assessed": _l("Children assessed"), "with_difficulty": _l("With a functional difficulty"),
    "referred": _l("Referred"), "accepted": _l("Accepted by a provider"),
    "started": _l("Services started"), "completed": _l("Services completed"),
    "declined": _l("Referrals declined"), "expired": _l("Referrals left unanswered"),
    "waiting_list": _l("On a waiting list"),
}  # fmt: skip
MEDIAN_NAMES = {
    "registration_to_assessment": _l("Registration to assessment"),
    "assessment_to_referral": _l("Assessment to referral"),
    "referral_to_acceptance": _l("Referral to acceptance"),
    "registration_to_acceptance": _l("Registration to acceptance"),
}  # fmt: skip
REGION_NAMES = {
    "TJ-DU": _l("Dushanbe"), "TJ-SU": _l("Sughd"), "TJ-KT": _l("Khatlon"),
    "TJ-GB": _l("Gorno-Badakhshan"), "TJ-RA": _l("Districts of Republican Subordination"),
}  # fmt: skip
TABLES = ("stages", "medians", "months", "declines", "districts", "providers")
CHART_MEDIANS = ("registration_to_assessment", "referral_to_acceptance")


@dataclass
class Table:
    """One table of the page, as shown and as downloaded."""

    title: str
    headers: list[str]
    rows: list[list[Any]]
    numeric: set[int] = field(default_factory=set)


def read_filters() -> tuple[dict[str, Any], dict[str, list[str]]]:
    """The page's filters from the query, with field errors for what cannot be read."""
    args, errors = request.args, {}
    chosen: dict[str, Any] = {
        "region": args.get("region") if args.get("region") in REGIONS else "",
        "district": args.get("district") if args.get("district") in DISTRICTS else "",
        "service_type": args.get("service_type") if args.get("service_type") in SERVICE_TYPES
        else "",
        "sort": args.get("sort") if args.get("sort") in rules.PROVIDER_COLUMNS else "name",
        "desc": args.get("dir") == "desc",
    }  # fmt: skip
    for name in ("from", "to"):
        text = (args.get(name) or "").strip()
        chosen[name] = parse_date(text) if text else None
        if text and chosen[name] is None:
            errors[name] = [_("Enter the date as dd.mm.yyyy.")]
    if chosen["from"] and chosen["to"] and chosen["from"] > chosen["to"]:
        errors["to"] = [_("The end of the period must not be before its start.")]
    return chosen, errors


def api_params(chosen: dict[str, Any], with_type: bool = False) -> dict[str, str]:
    """The report's query: region, district, period (and service type where it applies)."""
    params = {k: chosen[k] for k in ("region", "district") if chosen.get(k)}
    for name in ("from", "to"):
        if chosen.get(name):
            params[name] = chosen[name].isoformat()
    if with_type and chosen.get("service_type"):
        params["service_type"] = chosen["service_type"]
    return params


def gather(chosen: dict[str, Any], with_months: bool = True) -> dict[str, Any]:
    """The summary, the provider benchmark and the coverage; a failing report leaves a notice."""
    notices: list[str] = []
    summary = _report("/reports/summary", api_params(chosen), notices) or {}
    bench = _report("/reports/providers", api_params(chosen, True), notices) or {}
    cover = _report("/reports/coverage", api_params(chosen, True), notices) or {}
    providers = rules.keep_region(list(bench.get("items") or []), chosen.get("region"))
    rules.add_compliance(providers, summary.get("providers") or [])
    return {
        "summary": summary,
        "stages": rules.stage_counts(summary),
        "declines": rules.decline_reasons(summary),
        "providers": rules.sort_rows(providers, chosen["sort"], chosen["desc"]),
        "coverage": list(cover.get("items") or []),
        "months": monthly_waits(chosen, local_day(datetime.now(UTC))) if with_months else [],
        "notices": list(dict.fromkeys(notices)),
    }


def monthly_waits(chosen: dict[str, Any], today: date) -> list[dict]:
    """Median days from registration to assessment and from referral to acceptance, per month
    of the last six (each month's figures are the summary of that month)."""
    months = []
    for first, last in rules.last_months(today):
        params = {**api_params({**chosen, "from": first, "to": last})}
        summary = _report("/reports/summary", params, []) or {}
        medians = summary.get("median_days") or {}
        months.append({"month": first, **{k: medians.get(k) for k in CHART_MEDIANS}})
    return months


def _report(path: str, params: dict, notices: list[str]) -> dict | None:
    try:
        return apis().referral.get(path, params=params)
    except ApiUnavailable as error:
        notices.append(unavailable_message(error.service))
    except ApiError as error:
        if error.status >= 500:
            raise
        notices.append(api_error_message(error))
    return None


def tables(data: dict[str, Any]) -> dict[str, Table]:
    """Every table of the page, in the page's language."""
    return {
        "stages": _stages(data["stages"]),
        "medians": _medians(data["summary"]),
        "months": _months(data["months"]),
        "declines": _declines(data["declines"]),
        "districts": _districts(data["coverage"]),
        "providers": _providers(data["providers"]),
    }


def _stages(counts: dict[str, int | None]) -> Table:
    rows = [[str(STAGE_NAMES[k]), v] for k, v in counts.items() if v is not None]
    return Table(_("Children at each stage"), [_("Stage"), _("Children")], rows, {1})


def _medians(summary: dict[str, Any]) -> Table:
    medians = summary.get("median_days") or {}
    rows = [[str(MEDIAN_NAMES[k]), medians.get(k)] for k in rules.MEDIANS]
    deadline = summary.get("answered_within_deadline") or {}
    rows.append([_("Referrals answered within the deadline"), rules.percent(deadline.get("share"))])
    return Table(_("Median days between stages"), [_("Between"), _("Days")], rows, {1})


def _months(months: list[dict]) -> Table:
    headers = [_("Month")] + [str(MEDIAN_NAMES[k]) for k in CHART_MEDIANS]
    rows = [[m["month"].strftime("%m.%Y")] + [m[k] for k in CHART_MEDIANS] for m in months]
    return Table(_("Waiting times by month (median days)"), headers, rows, {1, 2})


def _declines(declines: dict[str, int]) -> Table:
    lang = language()
    rows = [[(DECLINE_REASONS.get(k) or DECLINE_REASONS["other"])[lang], n]
            for k, n in declines.items()]  # fmt: skip
    return Table(_("Declined referrals by reason"), [_("Reason"), _("Referrals")], rows, {1})


def _districts(items: list[dict]) -> Table:
    headers = [
        _("District"), _("Region"), _("Waiting for assessment"),
        _("Median days waiting for assessment"), _("Waiting for a place"),
        _("Providers serving it"), _("Free places"), _("No provider with a free place"),
    ]  # fmt: skip
    rows = [
        [district_name(d["district_code"]), str(REGION_NAMES.get(d["region_code"], "")),
         d["waiting_for_assessment"], d.get("median_days_waiting_for_assessment"),
         d["waiting_for_place"], d["providers"], d["free_places"],
         _("Yes") if d["gap"] else _("No")]
        for d in sorted(items, key=lambda d: district_name(d["district_code"]))
    ]  # fmt: skip
    return Table(_("Districts"), headers, rows, {2, 3, 4, 5, 6})


def _providers(items: list[dict]) -> Table:
    headers = [
        _("Provider"), _("Service types"), _("Region"), _("Referrals received"),
        _("Acceptance rate"), _("Decline rate"), _("Compliance score"),
        _("Median days to answer"), _("Median days to start"), _("Places"), _("Free places"),
        _("Occupancy"),
    ]  # fmt: skip
    rows = [
        [p["name"], ", ".join(str(SERVICE_TYPE_NAMES.get(s, s)) for s in p["service_types"]),
         str(REGION_NAMES.get(p.get("region_code") or "", "")), p["received"],
         rules.percent(p["acceptance_rate"]), rules.percent(p["decline_rate"]),
         rules.score(p.get("compliance_score")), p["median_days_to_answer"],
         p["median_days_to_start"], p["places"], p["free_places"], rules.percent(p["occupancy"])]
        for p in items
    ]  # fmt: skip
    return Table(_("Providers compared"), headers, rows, {3, 4, 5, 6, 7, 8, 9, 10, 11})


def period_text(chosen: dict[str, Any]) -> str:
    """The period in words for titles and printouts."""
    start, end = chosen.get("from"), chosen.get("to")
    if not start and not end:
        return _("All time")
    return f"{show_date(start) if start else '…'} – {show_date(end) if end else '…'}"
