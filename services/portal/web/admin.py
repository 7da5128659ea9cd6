"""/admin/users: create, edit and disable users; temporary passwords to change at first login."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from services.portal import accounts
from services.portal.domain.passwords import temporary_password
from services.portal.domain.roles import ADMIN, LANGUAGES, ROLES
from services.portal.models import User
from services.portal.views import district_choices
from services.portal.web.guards import portal, roles_required

bp = Blueprint("admin", __name__, url_prefix="/admin")


def role_labels() -> dict[str, str]:
    """Each role's name in the page's language."""
    return {
        "phw": _("Primary health worker"),
        "sah_worker": _("Social worker (SAH)"),
        "case_manager": _("Case manager"),
        "provider": _("Service provider"),
        "admin": _("Administrator"),
        "inspector": _("Quality inspector"),
    }


def _render(template: str, status: int = 200, **context):  # noqa: ANN202
    context.setdefault("errors", {})
    context.setdefault("form", {})
    return render_template(
        template,
        roles=role_labels(),
        role_codes=ROLES,
        languages=LANGUAGES,
        districts=district_choices(),
        **context,
    ), status


@bp.get("/users")
@roles_required(ADMIN)
def users():  # noqa: ANN201
    """Every user with role, districts and status."""
    with portal().db.session() as db:
        rows = db.execute(select(User).order_by(User.role, User.username)).scalars().all()
    return _render("admin/users.html", users=rows)


def _fields() -> dict:
    form = request.form
    return {
        "username": form.get("username", "").strip(),
        "name": form.get("name", "").strip(),
        "role": form.get("role", ""),
        "districts": form.getlist("districts"),
        "provider_id": form.get("provider_id", "").strip() or None,
        "language": form.get("language", "tg"),
    }


def _error(exc: accounts.AccountError) -> dict[str, list[str]]:
    messages = {
        "username": _("This username is taken or not allowed (letters, digits, '.', '_', '-')."),
        "districts": _("Choose at least one district for this role."),
        "provider_id": _("Give the provider's id (a UUID) for a provider user."),
        "role": _("Choose a role."),
        "language": _("Choose a language."),
        "password": _("Use at least 10 characters, not easy to guess, and not your username."),
    }
    return {exc.field or "_form": [messages.get(exc.field, _("Please check this answer."))]}


@bp.post("/users")
@roles_required(ADMIN)
def create():  # noqa: ANN201
    """Create a user with a temporary password, shown once."""
    fields, password = _fields(), temporary_password()
    try:
        with portal().db.session() as db:
            user = accounts.create_user(db, password=password, must_change_password=True, **fields)
            username = user.username
    except accounts.AccountError as exc:
        with portal().db.session() as db:
            rows = db.execute(select(User).order_by(User.role, User.username)).scalars().all()
        return _render("admin/users.html", 422, users=rows, errors=_error(exc), form=fields)
    flash(
        (
            "success",
            _(
                "User %(username)s created. Temporary password: %(password)s — give it "
                "to them; they must change it at first login.",
                username=username,
                password=password,
            ),
        )
    )
    return redirect(url_for("admin.users"), 303)


@bp.route("/users/<user_id>", methods=["GET", "POST"])
@roles_required(ADMIN)
def edit(user_id: str):  # noqa: ANN201
    """Change a user's name, role, scope, language or status; or reset their password."""
    with portal().db.session() as db:
        user = db.get(User, user_id) or abort(404)
        if request.method == "GET":
            return _render("admin/user.html", user=user, form={})
        action = request.form.get("action", "save")
        try:
            message = _act(user, action)
        except accounts.AccountError as exc:
            db.rollback()
            return _render("admin/user.html", 422, user=user, errors=_error(exc), form=_fields())
    flash(("success", message))
    return redirect(url_for("admin.edit", user_id=user_id), 303)


def _act(user: User, action: str) -> str:
    if action == "reset":
        password = temporary_password()
        accounts.set_password(user, password, temporary=True)
        return _(
            "New temporary password for %(username)s: %(password)s",
            username=user.username,
            password=password,
        )
    if action == "disable":
        accounts.disable(user)
        return _("%(username)s can no longer log in.", username=user.username)
    if action == "enable":
        user.active = True
        return _("%(username)s can log in again.", username=user.username)
    fields = _fields()
    accounts.validate(
        fields["role"], fields["districts"], fields["provider_id"], fields["language"]
    )
    accounts.update_user(user, **{k: v for k, v in fields.items() if k != "username"})
    return _("Saved.")
