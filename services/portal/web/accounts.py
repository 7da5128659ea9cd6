"""Login, logout, the first-login password change and the language switch."""

from __future__ import annotations

import time

from flask import Blueprint, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from services.portal import accounts
from services.portal.models import User
from services.portal.web.guards import (
    current_user,
    login_required,
    portal,
    safe_next,
    start_session,
)

bp = Blueprint("accounts", __name__)


@bp.get("/login")
def login():  # noqa: ANN201
    """The login form."""
    if current_user() is not None:
        return redirect("/", 303)
    return render_template("login.html", next=safe_next(request.args.get("next")))


@bp.post("/login")
def login_post():  # noqa: ANN201
    """Check the credentials; the same message for every failure."""
    username = request.form.get("username", "")
    password = request.form.get("password", "")
    with portal().db.session() as db:
        result = accounts.authenticate(db, username, password)
        user_id = result.user.id if result.user else None
    if user_id is None:
        # Slow down guessing; the wait is the same for known and unknown usernames.
        time.sleep(result.delay if not portal().settings.testing else 0)
        message = (
            _("Too many failed attempts. Please wait 15 minutes and try again.")
            if result.locked
            else _("The username or password is not right. Please try again.")
        )
        return render_template(
            "login.html", error=message, username=username, next=request.form.get("next", "/")
        ), (429 if result.locked else 401)
    with portal().db.session() as db:
        user = db.get(User, user_id)
    start_session(user)
    if user.language and "lang" not in session:
        session["lang"] = user.language
    return redirect(safe_next(request.form.get("next")), 303)


@bp.post("/logout")
def logout():  # noqa: ANN201
    """End the session, also server-side (the offline queue on the phone is not touched here).

    The session lives in a cookie; a request still in flight could set the old cookie again,
    so the user's session epoch moves on and every earlier cookie of theirs stops working.
    """
    user = current_user()
    if user is not None:
        with portal().db.session() as db:
            stored = db.get(User, user.id)
            stored.session_epoch += 1
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    return redirect(url_for("accounts.login", out=1), 303)


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():  # noqa: ANN201
    """Set a new password (required after an admin gave a temporary one)."""
    user = current_user()
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        errors = _password_errors(user)
        if not errors:
            return redirect("/", 303)
    status = 422 if errors else 200
    return render_template("password.html", errors=errors, forced=user.must_change_password), status


def _password_errors(user: User) -> dict[str, list[str]]:
    current = request.form.get("current_password", "")
    new = request.form.get("new_password", "")
    if new != request.form.get("new_password_again", ""):
        return {"new_password_again": [_("The two new passwords are not the same.")]}
    with portal().db.session() as db:
        stored = db.get(User, user.id)
        if not accounts.verify_password(stored.password_hash, current):
            return {"current_password": [_("This is not your current password.")]}
        try:
            accounts.set_password(stored, new, temporary=False)
        except accounts.AccountError:
            return {
                "new_password": [
                    _("Use at least 10 characters, not easy to guess, and not your username.")
                ]
            }
        epoch = stored.session_epoch
    session["epoch"] = epoch
    return {}
