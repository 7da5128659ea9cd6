"""The home page of each role."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template

from services.portal.domain.roles import ADMIN, CASE_MANAGER, INSPECTOR, PROVIDER
from services.portal.web.guards import current_user, login_required

bp = Blueprint("home", __name__)
# Roles whose work starts on another page, when that page is part of this portal.
LANDING = {
    CASE_MANAGER: "/worklist", PROVIDER: "/referrals", ADMIN: "/dashboard",
    INSPECTOR: "/inspections",
}  # fmt: skip


@bp.get("/")
@login_required
def home():  # noqa: ANN201
    """Registration and 'my registrations' for field workers; the work list for others."""
    user = current_user()
    target = LANDING.get(user.role)
    if target and _served(target):
        return redirect(target, 303)
    return render_template("home.html", role=user.role)


def _served(path: str) -> bool:
    adapter = current_app.url_map.bind("localhost")
    try:
        adapter.match(path, method="GET")
    except Exception:  # NotFound or MethodNotAllowed: the page is not part of this build
        return False
    return True
