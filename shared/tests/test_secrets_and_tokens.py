"""Secrets fail closed outside the embedded run; tokens carry iss, iat and a bounded lifetime."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jwt
import pytest
from flask.views import MethodView
from sqlalchemy import MetaData

from shared.auth import LEEWAY_SECONDS, AuthError, decode_token, issue_token, main
from shared.config import DEV_JWT_SECRET, ConfigError
from shared.runtime import build_runtime, messaging_tables
from shared.web import Blueprint, build_app

ROOT = Path(__file__).resolve().parents[2]
SECRET = "a-test-secret-that-is-long-enough-for-hs256"
POSTGRES = "postgresql+psycopg://intake:pw@db.invalid:5432/intake"
RABBIT = "amqp://intake:pw@broker.invalid:5672//"
blp = Blueprint("whoami", __name__, url_prefix="/whoami")


@blp.route("")
class WhoAmI(MethodView):
    def get(self):
        """Answer who the caller is."""
        from shared.auth import current_principal

        return {"sub": current_principal().sub}


def runtime(tmp_path: Path, **env: str):
    metadata = MetaData()
    config = {"DATA_DIR": str(tmp_path), **env}
    return build_runtime("intake", metadata, messaging_tables(metadata), config)


@pytest.fixture(autouse=True)
def _no_outside_secrets(monkeypatch):
    for name in ("JWT_SECRET", "DATABASE_URL", "BROKER_URL", "JWT_ISSUER"):
        monkeypatch.delenv(name, raising=False)


@pytest.mark.parametrize(
    "servers",
    [
        {"DATABASE_URL": POSTGRES},
        {"BROKER_URL": RABBIT},
        {"DATABASE_URL": POSTGRES, "BROKER_URL": RABBIT},
    ],
    ids=["postgres", "rabbitmq", "both"],
)
@pytest.mark.parametrize("secret", ["", "s" * 31], ids=["unset", "short"])
def test_a_service_on_real_servers_refuses_a_missing_or_short_jwt_secret(tmp_path, servers, secret):
    env = {**servers, **({"JWT_SECRET": secret} if secret else {})}
    with pytest.raises(ConfigError, match="JWT_SECRET") as refused:
        runtime(tmp_path, **env)
    assert "32 bytes" in str(refused.value) and "pw@" not in str(refused.value)


def test_a_long_enough_secret_on_real_servers_is_used(tmp_path):
    built = runtime(tmp_path, DATABASE_URL=POSTGRES, JWT_SECRET=SECRET)
    assert built.settings.jwt_secret == SECRET


def test_only_the_embedded_run_falls_back_to_the_development_key(tmp_path):
    assert runtime(tmp_path).settings.jwt_secret == DEV_JWT_SECRET


def test_the_worker_process_will_not_start_without_a_secret(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("JWT_SECRET", "BROKER_URL")}
    env.update(DATABASE_URL=POSTGRES, DATA_DIR=str(tmp_path))
    done = subprocess.run(
        [sys.executable, "-m", "services.intake.worker"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode != 0
    assert "JWT_SECRET is not set" in done.stderr


def claims(**changes) -> dict:
    now = int(datetime.now(UTC).timestamp())
    body = {"sub": "u-1", "role": "admin", "iss": "early-intervention", "iat": now,
            "exp": now + 3600, **changes}  # fmt: skip
    return {k: v for k, v in body.items() if v is not None}


def signed(**changes) -> str:
    return jwt.encode(claims(**changes), SECRET, algorithm="HS256")


NOW = int(datetime.now(UTC).timestamp())


@pytest.mark.parametrize(
    "token",
    [
        signed(iss=None),
        signed(iss="someone-else"),
        signed(iat=None),
        signed(exp=NOW + 100 * 365 * 86400),
        signed(iat=NOW - 3600, exp=NOW + 86400),
        signed(sub=""),
        signed(sub="   "),
        signed(iat=NOW - 7200, exp=NOW - 60),
        signed(iat="yesterday"),
    ],
    ids=[
        "no-iss",
        "wrong-iss",
        "no-iat",
        "100-years",
        "over-24h",
        "empty-sub",
        "blank-sub",
        "expired-past-leeway",
        "text-iat",
    ],  # fmt: skip
)
def test_tokens_outside_the_contract_are_refused(token):
    with pytest.raises(AuthError):
        decode_token(token, SECRET)


def test_about_thirty_seconds_of_clock_skew_is_tolerated():
    now = int(datetime.now(UTC).timestamp())
    assert decode_token(signed(iat=now - 3600, exp=now - 10), SECRET).sub == "u-1"
    assert decode_token(signed(iat=now + 10, exp=now + 3600), SECRET).sub == "u-1"


def test_a_token_verified_once_is_not_verified_again_while_it_lives(monkeypatch):
    verified = []
    real = jwt.decode
    monkeypatch.setattr(jwt, "decode", lambda *a, **k: verified.append(1) or real(*a, **k))
    token = signed(sub="u-kept", exp=int(time.time()) + 3600)
    first = decode_token(token, SECRET)
    assert decode_token(token, SECRET) == first
    assert len(verified) == 1
    # Only for the same secret, issuer and lifetime it was verified with.
    with pytest.raises(AuthError):
        decode_token(token, "another-secret-that-is-long-enough-for-hs256")
    with pytest.raises(AuthError):
        decode_token(token, SECRET, issuer="someone-else")


def test_a_kept_token_is_refused_once_it_expires():
    # Valid for about a second more, within the thirty seconds of skew tolerated.
    now = int(time.time())
    token = signed(sub="u-expiring", iat=now - 60, exp=now - LEEWAY_SECONDS + 2)
    assert decode_token(token, SECRET).sub == "u-expiring"
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            decode_token(token, SECRET)
        except AuthError:
            break
        time.sleep(0.1)
    else:
        pytest.fail("an expired token was still accepted")


def test_a_refused_token_is_refused_every_time():
    forged = jwt.encode(claims(sub="u-forged"), "not-the-secret-not-the-secret-00", "HS256")
    for _ in range(2):
        with pytest.raises(AuthError):
            decode_token(forged, SECRET)


def test_the_issuer_and_lifetime_come_from_the_settings(tmp_path):
    app = build_app(
        runtime(tmp_path, JWT_ISSUER="ministry", JWT_MAX_LIFETIME_SECONDS="600"),
        title="t", blueprints=[blp],
    )  # fmt: skip
    client = app.test_client()
    ok = issue_token(DEV_JWT_SECRET, role="admin", issuer="ministry", ttl=timedelta(minutes=10))
    assert client.get("/whoami", headers={"Authorization": f"Bearer {ok}"}).status_code == 200
    default_issuer = issue_token(DEV_JWT_SECRET, role="admin", ttl=timedelta(minutes=5))
    hour = jwt.encode(claims(iss="ministry", exp=NOW + 3600), DEV_JWT_SECRET, algorithm="HS256")
    for refused in (default_issuer, hour):
        response = client.get("/whoami", headers={"Authorization": f"Bearer {refused}"})
        assert response.status_code == 401


def test_a_refused_token_gets_a_generic_message(tmp_path):
    client = build_app(runtime(tmp_path), title="t", blueprints=[blp]).test_client()
    messages = set()
    for token in (signed(iss="x"), signed(iat=NOW - 7200, exp=NOW - 3600), "garbage", ""):
        response = client.get("/whoami", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 401
        messages.add(response.get_json()["error"]["message"])
    assert len(messages) == 1
    message = messages.pop().lower()
    assert not any(word in message for word in ("signature", "issuer", "segments", "decode"))


def test_issue_token_refuses_a_lifetime_over_the_maximum():
    with pytest.raises(ValueError):
        issue_token(SECRET, role="admin", ttl=timedelta(hours=25))


def test_the_token_command_fails_closed_and_signs_contract_tokens(monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", POSTGRES)
    with pytest.raises(SystemExit) as refused:
        main(["token", "--role", "admin"])
    assert refused.value.code == 2 and "JWT_SECRET" in capsys.readouterr().err
    monkeypatch.setenv("JWT_SECRET", SECRET)
    with pytest.raises(SystemExit):
        main(["token", "--role", "admin", "--hours", "48"])
    capsys.readouterr()
    assert main(["token", "--role", "case_manager", "--districts", "rudaki", "--hours", "24"]) == 0
    principal = decode_token(capsys.readouterr().out.strip(), SECRET)
    assert principal.role == "case_manager" and principal.districts == ("rudaki",)
