"""Bearer-token auth (contract §2): HS256 JWTs with role, districts and provider claims."""

from __future__ import annotations

import argparse
import logging
import sys
import threading
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import jwt
from flask import current_app, g, request
from flask_smorest import abort

from shared.principal import ROLES, Principal

log = logging.getLogger(__name__)
V = TypeVar("V", bound=Callable[..., Any])
ALGORITHM = "HS256"
DEFAULT_ISSUER = "early-intervention"
DEFAULT_MAX_LIFETIME = 86400
LEEWAY_SECONDS = 30
# What every refused token is told: the reason stays in the server's log, never in the answer.
INVALID_TOKEN_MESSAGE = "the bearer token is missing, invalid or expired"
# Tokens verified lately, so that a client's next requests are not verified again (see
# decode_token); bounded, the oldest forgotten first.
VERIFIED_KEPT = 2048


class AuthError(Exception):
    """A missing, malformed, expired or wrongly signed token."""


def issue_token(
    secret: str,
    *,
    role: str,
    sub: str | None = None,
    districts: list[str] | tuple[str, ...] = (),
    provider_id: str | None = None,
    ttl: timedelta = timedelta(hours=12),
    now: datetime | None = None,
    issuer: str = DEFAULT_ISSUER,
    max_lifetime: int = DEFAULT_MAX_LIFETIME,
) -> str:
    """Sign a token for a role (development tool and tests); never longer-lived than allowed."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; one of {', '.join(ROLES)}")
    if not 0 < ttl.total_seconds() <= max_lifetime:
        raise ValueError(f"a token lives between 1 and {max_lifetime} seconds, not {ttl}")
    now = now or datetime.now(UTC)
    claims: dict[str, Any] = {
        "sub": sub or f"{role}-{uuid.uuid4().hex[:8]}",
        "role": role,
        "districts": list(districts),
        "iss": issuer,
        "iat": int(now.timestamp()),
        "exp": int((now + ttl).timestamp()),
    }
    if provider_id:
        claims["provider_id"] = provider_id
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def decode_token(
    token: str,
    secret: str,
    *,
    issuer: str = DEFAULT_ISSUER,
    max_lifetime: int = DEFAULT_MAX_LIFETIME,
) -> Principal:
    """Verify a token and return its principal, or raise AuthError (contract §2).

    A token verified once is not verified again while it lives: every request of a session
    carries the same token, and checking its signature and claims each time cost a few percent
    of an API's CPU. What verification decided cannot change with time except expiry (a token
    issued or valid-from a moment ago only becomes more valid), so a token found here is still
    checked against its expiry. Only tokens that passed are kept; a refused one is refused anew.
    """
    key = (token, secret, issuer, max_lifetime)
    kept = _VERIFIED.get(key)
    if kept is not None:
        principal, expires = kept
        if expires > time.time() - LEEWAY_SECONDS:
            return principal
        _forget(key)
    principal, expires = _verify(token, secret, issuer=issuer, max_lifetime=max_lifetime)
    with _VERIFIED_LOCK:
        while len(_VERIFIED) >= VERIFIED_KEPT:
            _VERIFIED.pop(next(iter(_VERIFIED)))
        _VERIFIED[key] = (principal, expires)
    return principal


_VERIFIED: dict[tuple[str, str, str, int], tuple[Principal, float]] = {}
_VERIFIED_LOCK = threading.Lock()


def _forget(key: tuple[str, str, str, int]) -> None:
    with _VERIFIED_LOCK:
        _VERIFIED.pop(key, None)


def _verify(token: str, secret: str, *, issuer: str, max_lifetime: int) -> tuple[Principal, float]:
    try:
        claims = jwt.decode(
            token,
            secret,
            algorithms=[ALGORITHM],
            issuer=issuer,
            leeway=LEEWAY_SECONDS,
            options={"require": ["exp", "iat", "iss", "sub", "role"]},
        )
    except jwt.PyJWTError as exc:
        raise AuthError(str(exc)) from exc
    _check_lifetime(claims, max_lifetime)
    if not isinstance(claims["sub"], str) or not claims["sub"].strip():
        raise AuthError("the token names no user (sub)")
    role = claims.get("role")
    districts = claims.get("districts") or []
    if role not in ROLES or not isinstance(districts, list):
        raise AuthError("token claims are not valid")
    provider_id = claims.get("provider_id")
    if role == "provider" and not provider_id:
        raise AuthError("a provider token needs provider_id")
    principal = Principal(
        sub=str(claims["sub"]),
        role=role,
        districts=tuple(str(d) for d in districts),
        provider_id=str(provider_id) if provider_id else None,
    )
    return principal, float(claims["exp"])


def _check_lifetime(claims: dict[str, Any], max_lifetime: int) -> None:
    """A token may live at most max_lifetime seconds from when it was issued."""
    issued, expires = claims["iat"], claims["exp"]
    if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in (issued, expires)):
        raise AuthError("iat and exp must be numbers")
    if expires - issued > max_lifetime:
        raise AuthError(f"the token lives longer than {max_lifetime} seconds")
    if expires <= issued:
        raise AuthError("the token expires before it was issued")


def current_principal() -> Principal:
    """The authenticated caller of this request (401 when there is none)."""
    if "principal" in g:
        return g.principal
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        abort(401, message=INVALID_TOKEN_MESSAGE)
    config = current_app.config
    try:
        g.principal = decode_token(
            token.strip(),
            config["JWT_SECRET"],
            issuer=config.get("JWT_ISSUER", DEFAULT_ISSUER),
            max_lifetime=int(config.get("JWT_MAX_LIFETIME_SECONDS", DEFAULT_MAX_LIFETIME)),
        )
    except AuthError as exc:
        log.info("token refused", extra={"fields": {"reason": str(exc)[:200]}})
        abort(401, message=INVALID_TOKEN_MESSAGE)
    return g.principal


def require_role(*roles: str) -> Principal:
    """The caller, if authenticated and in one of these roles (401 / 403 otherwise)."""
    principal = current_principal()
    if principal.role not in roles:
        abort(403, message=f"role {principal.role} may not do this")
    return principal


def allow_roles(*roles: str) -> Callable[[V], V]:
    """Declare the roles that may call a view method.

    The check runs before the request's body or query is parsed, so a role that may not do a
    thing gets 403 whatever it sent (never a 422 that would describe the schema to it).
    """
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise ValueError(f"unknown roles {sorted(unknown)}")

    def mark(view: V) -> V:
        view.allowed_roles = roles  # type: ignore[attr-defined]
        return view

    return mark


def declared_roles(view: Any) -> tuple[str, ...] | None:
    """The roles allow_roles declared on a view method (None when it declares none)."""
    return getattr(view, "allowed_roles", None)


def not_found_unless(allowed: bool, what: str = "record") -> None:
    """Answer 404 for a record outside the caller's scope: never reveal that it exists."""
    if not allowed:
        abort(404, message=f"{what} not found")


def main(argv: list[str] | None = None) -> int:
    """Print a development token: python -m shared.auth token --role case_manager …"""
    import os

    parser = argparse.ArgumentParser(prog="python -m shared.auth")
    sub = parser.add_subparsers(dest="command", required=True)
    token = sub.add_parser("token", help="print a signed development token")
    token.add_argument("--role", required=True, choices=ROLES)
    token.add_argument("--districts", default="", help="comma-separated district codes")
    token.add_argument("--provider-id", default=None)
    token.add_argument("--sub", default=None)
    token.add_argument("--hours", type=float, default=12.0, help="lifetime, at most 24 h")
    args = parser.parse_args(argv)
    from shared.config import ConfigError, load_settings, require_secrets

    try:
        # The key the services would use: the development key only for the embedded local run.
        settings = require_secrets(load_settings("auth", dict(os.environ)))
    except ConfigError as exc:
        parser.exit(2, f"error: {exc}\n")
    districts = [d.strip() for d in args.districts.split(",") if d.strip()]
    try:
        signed = issue_token(
            settings.jwt_secret,
            role=args.role,
            sub=args.sub,
            districts=districts,
            provider_id=args.provider_id,
            ttl=timedelta(hours=args.hours),
            issuer=settings.jwt_issuer,
            max_lifetime=settings.jwt_max_lifetime_seconds,
        )
    except ValueError as exc:
        parser.exit(2, f"error: {exc}\n")
    print(signed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
