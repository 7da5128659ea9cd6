"""Who is logged in, what they may open, and the CSRF protection of every form."""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, abort, current_app, g, redirect, request, session, url_for
from flask_wtf.csrf import CSRFProtect

from services.portal.apis import Caller
from services.portal.models import User

csrf = CSRFProtect()


def portal():  # noqa: ANN201 - the Portal of this app (see bootstrap)
    """The app's Portal (settings, database, API clients)."""
    return current_app.extensions["portal"]


def current_user() -> User | None:
    """The logged-in user of this request, or None."""
    if "user" not in g:
        g.user = _load_user()
    return g.user


def _load_user() -> User | None:
    uid = session.get("uid")
    if not uid:
        return None
    idle = portal().settings.idle_minutes * 60
    if time.time() - float(session.get("seen", 0)) > idle:
        session.clear()
        g.session_expired = True
        return None
    with portal().db.session() as db:
        user = db.get(User, uid)
    if user is None or not user.active or user.session_epoch != session.get("epoch"):
        session.clear()
        return None
    session["seen"] = int(time.time())
    return user


def api_caller() -> Caller | None:
    """The claims the API clients put in their tokens: the logged-in user's."""
    user = current_user() if _in_request() else None
    if user is None:
        return None
    return Caller(user.id, user.role, tuple(user.districts or ()), user.provider_id)


def _in_request() -> bool:
    from flask import has_request_context

    return has_request_context()


def start_session(user: User) -> None:
    """Log a user in: a fresh session (no fixation) remembering who and when."""
    lang = session.get("lang")
    session.clear()
    session.permanent = True
    session.update(uid=user.id, epoch=user.session_epoch, seen=int(time.time()))
    if lang:
        session["lang"] = lang
    g.user = user


def safe_next(target: str | None) -> str:
    """Return a same-site path to go to after login, or '/'."""
    if not target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


def login_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Send a visitor who is not logged in to the login page (JSON callers get 401)."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        user = current_user()
        if user is None:
            if request.is_json or request.accept_mimetypes.best == "application/json":
                abort(401)
            return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))
        if user.must_change_password and request.endpoint not in PASSWORD_CHANGE_ENDPOINTS:
            return redirect(url_for("accounts.change_password"))
        return view(*args, **kwargs)

    return wrapped


PASSWORD_CHANGE_ENDPOINTS = ("accounts.change_password", "accounts.logout")


def roles_required(*roles: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Allow only these roles (others get the 403 page); implies login_required."""

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if current_user().role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return login_required(wrapped)

    return decorate


def init_guards(app: Flask) -> None:
    """Turn on CSRF protection for every state-changing request."""
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)  # valid as long as the session
    app.config.setdefault("WTF_CSRF_FIELD_NAME", "csrf_token")
    app.config.setdefault("WTF_CSRF_SSL_STRICT", True)
    csrf.init_app(app)
