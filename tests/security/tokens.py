"""Tokens an attacker or a stale client would send: each must be answered 401 (contract §2)."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt

from shared.testing import TEST_JWT_SECRET

OTHER_SECRET = "a-different-secret-of-at-least-thirty-two-bytes"


def _b64(data: dict[str, Any]) -> str:
    raw = json.dumps(data, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def claims(role: str, districts: list[str], provider_id: str | None, **changes: Any) -> dict:
    """Well-formed claims for a role, valid for an hour unless changed."""
    now = datetime.now(UTC)
    body: dict[str, Any] = {
        "sub": f"{role}-attacker",
        "role": role,
        "districts": districts,
        "iss": "early-intervention",
        "iat": int(now.timestamp()),
        "exp": int((now + timedelta(hours=1)).timestamp()),
    }
    if provider_id:
        body["provider_id"] = provider_id
    body.update(changes)
    return {k: v for k, v in body.items() if v is not None}


def bad_authorizations(
    role: str, districts: list[str], provider_id: str | None
) -> dict[str, str | None]:
    """Authorization header values that must not let anyone in (None: no header at all)."""
    good = claims(role, districts, provider_id)
    past = datetime.now(UTC) - timedelta(days=2)
    expired = claims(
        role,
        districts,
        provider_id,
        iat=int(past.timestamp()),
        exp=int((past + timedelta(hours=1)).timestamp()),
    )
    unsigned = f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(good)}."
    return {
        "missing": None,
        "empty bearer": "Bearer ",
        "not a bearer scheme": "Basic c2VjdXJpdHk6dGVzdA==",
        "not a JWT": "Bearer this-is-not-a-token",
        "expired": f"Bearer {jwt.encode(expired, TEST_JWT_SECRET, algorithm='HS256')}",
        "unsigned (alg none)": f"Bearer {unsigned}",
        "wrong key": f"Bearer {jwt.encode(good, OTHER_SECRET, algorithm='HS256')}",
        "wrong algorithm (HS512)": f"Bearer {_hs512(good)}",
        "no exp claim": f"Bearer {_signed(claims(role, districts, provider_id, exp=None))}",
        "unknown role": f"Bearer {_signed(claims('superuser', districts, provider_id))}",
        "no iat claim": f"Bearer {_signed(claims(role, districts, provider_id, iat=None))}",
        "no iss claim": f"Bearer {_signed(claims(role, districts, provider_id, iss=None))}",
        "another issuer": f"Bearer {_signed(claims(role, districts, provider_id, iss='x'))}",
        "a 100-year token": f"Bearer {_signed(_century(role, districts, provider_id))}",
        "empty sub": f"Bearer {_signed(claims(role, districts, provider_id, sub=' '))}",
        "payload swapped after signing": f"Bearer {_tampered(good)}",
    }


def _century(role: str, districts: list[str], provider_id: str | None) -> dict:
    """Claims valid now, but for a hundred years: longer than JWT_MAX_LIFETIME_SECONDS."""
    now = datetime.now(UTC)
    expires = int((now + timedelta(days=36500)).timestamp())
    return claims(role, districts, provider_id, iat=int(now.timestamp()), exp=expires)


def _signed(body: dict) -> str:
    return jwt.encode(body, TEST_JWT_SECRET, algorithm="HS256")


def _hs512(body: dict) -> str:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the test secret is shorter than HS512 would like
        return jwt.encode(body, TEST_JWT_SECRET, algorithm="HS512")


def _tampered(body: dict) -> str:
    """A genuine low-privilege token whose payload was then swapped for the wanted claims."""
    genuine = {**body, "sub": "field-worker-7", "role": "phw", "districts": ["khujand"]}
    header, _, signature = _signed(genuine).split(".")
    return f"{header}.{_b64(body)}.{signature}"
