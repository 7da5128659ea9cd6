"""Bearer-token auth (contract §2): HS256 JWTs with role, districts and provider claims."""

from __future__ import annotations

import argparse
import sys
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
from flask import current_app, g, request
from flask_smorest import abort

# partner: health and social-care partners reading referrals as FHIR (read-only, /fhir only).
ROLES = ("phw", "sah_worker", "case_manager", "provider", "admin", "partner")
ALGORITHM = "HS256"


class AuthError(Exception):
    """A missing, malformed, expired or wrongly signed token."""


@dataclass(frozen=True)
class Principal:
    """Who is calling: the token's claims."""

    sub: str
    role: str
    districts: tuple[str, ...] = ()
    provider_id: str | None = None

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    def covers_district(self, district_code: str | None) -> bool:
        """True when the caller may see records of this district (admins see all)."""
        return self.is_admin or (district_code is not None and district_code in self.districts)


def issue_token(
    secret: str,
    *,
    role: str,
    sub: str | None = None,
    districts: list[str] | tuple[str, ...] = (),
    provider_id: str | None = None,
    ttl: timedelta = timedelta(hours=12),
    now: datetime | None = None,
) -> str:
    """Sign a token for a role (development tool and tests)."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; one of {', '.join(ROLES)}")
    now = now or datetime.now(UTC)
    claims: dict[str, Any] = {
        "sub": sub or f"{role}-{uuid.uuid4().hex[:8]}",
        "role": role,
        "districts": list(districts),
        "iat": int(now.timestamp()),
        "exp": int((now + ttl).timestamp()),
    }
    if provider_id:
        claims["provider_id"] = provider_id
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def decode_token(token: str, secret: str) -> Principal:
    """Verify a token and return its principal, or raise AuthError."""
    try:
        claims = jwt.decode(
            token, secret, algorithms=[ALGORITHM], options={"require": ["exp", "sub", "role"]}
        )
    except jwt.PyJWTError as exc:
        raise AuthError(str(exc)) from exc
    role = claims.get("role")
    districts = claims.get("districts") or []
    if role not in ROLES or not isinstance(districts, list):
        raise AuthError("token claims are not valid")
    provider_id = claims.get("provider_id")
    if role == "provider" and not provider_id:
        raise AuthError("a provider token needs provider_id")
    return Principal(
        sub=str(claims["sub"]),
        role=role,
        districts=tuple(str(d) for d in districts),
        provider_id=str(provider_id) if provider_id else None,
    )


def current_principal() -> Principal:
    """The authenticated caller of this request (401 when there is none)."""
    if "principal" in g:
        return g.principal
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        abort(401, message="a bearer token is required")
    try:
        g.principal = decode_token(token.strip(), current_app.config["JWT_SECRET"])
    except AuthError as exc:
        abort(401, message=f"invalid token: {exc}")
    return g.principal


def require_role(*roles: str) -> Principal:
    """The caller, if authenticated and in one of these roles (401 / 403 otherwise)."""
    principal = current_principal()
    if principal.role not in roles:
        abort(403, message=f"role {principal.role} may not do this")
    return principal


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
    token.add_argument("--hours", type=float, default=12.0)
    args = parser.parse_args(argv)
    from shared.config import DEV_JWT_SECRET

    secret = os.environ.get("JWT_SECRET") or DEV_JWT_SECRET
    districts = [d.strip() for d in args.districts.split(",") if d.strip()]
    print(
        issue_token(
            secret,
            role=args.role,
            sub=args.sub,
            districts=districts,
            provider_id=args.provider_id,
            ttl=timedelta(hours=args.hours),
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
