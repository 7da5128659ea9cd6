"""What every template may use: the user, the language, dates, district names, navigation."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import Flask, g, request, session
from flask_babel import get_locale
from flask_babel import gettext as _

from services.portal.domain.dates import show_date, show_datetime
from services.portal.domain.roles import ADMIN, CASE_MANAGER, INSPECTOR, PHW, PROVIDER, SAH
from services.portal.web.guards import current_user
from shared.districts import DISTRICTS, get_district

LANGUAGE_NAMES = {"tg": "Тоҷикӣ", "ru": "Русский", "en": "English"}


def language() -> str:
    """The language of the page being rendered."""
    return str(get_locale() or "tg")


def district_name(code: str | None) -> str:
    """A district's name in the page's language (the code when unknown)."""
    district = get_district(code or "")
    return district.name(language()) if district else (code or "")


def district_choices(codes: list[str] | None = None) -> list[tuple[str, str]]:
    """(code, name) pairs in the page's language, sorted by name; all districts when None."""
    wanted = codes if codes is not None else list(DISTRICTS)
    return sorted(((c, district_name(c)) for c in wanted if c in DISTRICTS), key=lambda p: p[1])


def nav_items() -> list[tuple[str, str]]:
    """(path, label) of the menu for the logged-in user's role."""
    user = current_user()
    if user is None:
        return []
    items = [("/", _("Home"))]
    if user.role in (PHW, SAH, CASE_MANAGER):
        items.append(("/children/new", _("Register a child")))
    if user.role in (PHW, SAH, CASE_MANAGER, ADMIN):
        items.append(
            (
                "/children",
                _("Children") if user.role in (CASE_MANAGER, ADMIN) else _("My registrations"),
            )
        )
    if user.role == CASE_MANAGER:
        items.append(("/worklist", _("Worklist")))
    if user.role in (PROVIDER, CASE_MANAGER):
        items.append(("/referrals", _("Referrals")))
    if user.role == PROVIDER:
        items.append(("/places", _("Free places")))
    if user.role in (CASE_MANAGER, ADMIN):
        items.append(("/dashboard", _("Dashboard")))
    if user.role == ADMIN:
        items.append(("/dashboard/outcomes", _("Outcomes")))
        items.append(("/admin/users", _("Users")))
        items.append(("/admin/providers", _("Providers")))
    return items + quality_items(user.role)


def quality_items(role: str) -> list[tuple[str, str]]:
    """The quality reform's pages: inspections, standards, contracts, commissioning."""
    items = []
    if role in (INSPECTOR, ADMIN, PROVIDER):
        items.append(("/inspections", _("Inspections")))
    if role == ADMIN:
        items.append(("/admin/standards", _("Standards")))
        items.append(("/admin/contracts", _("Contracts")))
        items.append(("/reports/commissioning", _("Commissioning")))
    return items


def lang_url(code: str) -> str:
    """The current page with ?lang=code (other query arguments kept)."""
    args = request.args.to_dict()
    args["lang"] = code
    return request.path + "?" + urlencode(args)


def _context() -> dict[str, Any]:
    return {
        "current_user": current_user(),
        "page_language": language(),
        "language_names": LANGUAGE_NAMES,
        "nav_items": nav_items(),
        "lang_url": lang_url,
        "district_name": district_name,
        "session_expired": g.get("session_expired", False),
    }


def _remember_language() -> None:
    wanted = request.args.get("lang", "")
    user = current_user()
    # The profile decides for a signed-in user, so it follows the choice even when the
    # session already had it (chosen on the login page before signing in).
    stale = user is not None and user.language != wanted
    if wanted in LANGUAGE_NAMES and (session.get("lang") != wanted or stale):
        session["lang"] = wanted
        if user is not None:
            from services.portal.accounts import remember_language
            from services.portal.web.guards import portal

            with portal().db.session() as db:
                remember_language(db, user.id, wanted)
            user.language = wanted


def _load_user() -> None:
    current_user()


def init_views(app: Flask) -> None:
    """Register the template helpers and the language memory."""
    app.before_request(_load_user)
    app.before_request(_remember_language)
    app.context_processor(_context)
    app.add_template_filter(show_date, "date")
    app.add_template_filter(show_datetime, "datetime")
    app.add_template_filter(district_name, "district")
