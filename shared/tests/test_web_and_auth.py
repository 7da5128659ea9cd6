"""The shared HTTP plumbing: auth outcomes, the error shape, health and the OpenAPI document."""

from __future__ import annotations

import base64
import io
import json
from datetime import UTC, datetime, timedelta

import pytest
from flask.views import MethodView
from marshmallow import Schema, fields
from sqlalchemy import MetaData

from shared.auth import allow_roles, issue_token, not_found_unless, require_role
from shared.config import load_settings
from shared.refusals import Refused
from shared.runtime import Runtime, messaging_tables
from shared.web import Blueprint, build_app, error

SECRET = "a-test-secret-that-is-long-enough-for-hs256"
blp = Blueprint("things", __name__, url_prefix="/things")


class ThingSchema(Schema):
    name = fields.Str(required=True)
    district_code = fields.Str(required=True)


@blp.route("")
class Things(MethodView):
    @allow_roles("case_manager")
    @blp.arguments(ThingSchema)
    @blp.response(201, ThingSchema)
    def post(self, body):
        """Create a thing."""
        principal = require_role("case_manager")
        not_found_unless(principal.covers_district(body["district_code"]), "district")
        return body


@blp.route("/boom")
class Boom(MethodView):
    @blp.response(200, ThingSchema)
    def get(self):
        """Fail unexpectedly."""
        raise RuntimeError("secret internal detail")


def _refuse_a_thing() -> None:
    """A use case refusing, the way services' flows do."""
    raise Refused(
        409,
        "thing_closed",
        "this thing is closed; open it first",
        fields={"name": ["Is closed."]},
        closed_by="case_manager",
    )


@blp.route("/refused")
class Refusing(MethodView):
    def get(self):
        """A use case says no."""
        require_role("case_manager")
        _refuse_a_thing()


@blp.route("/aborted")
class Aborting(MethodView):
    def get(self):
        """The HTTP layer says no, the same way."""
        require_role("case_manager")
        error(
            409,
            "this thing is closed; open it first",
            code="thing_closed",
            fields={"name": ["Is closed."]},
            closed_by="case_manager",
        )


@pytest.fixture
def client(tmp_path):
    metadata = MetaData()
    env = {
        "DATABASE_URL": f"sqlite:///{tmp_path}/t.db",
        "DATA_DIR": str(tmp_path),
        "JWT_SECRET": SECRET,
    }
    runtime = Runtime(load_settings("intake", env), metadata, messaging_tables(metadata))
    runtime.create_all()
    (tmp_path / "broker").mkdir()
    return build_app(runtime, title="Test", blueprints=[blp]).test_client()


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


GOOD = {"name": "x", "district_code": "rudaki"}


def test_a_valid_token_of_the_right_role_and_district_passes(client):
    token = issue_token(SECRET, role="case_manager", districts=["rudaki"])
    assert client.post("/things", json=GOOD, headers=bearer(token)).status_code == 201


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Basic abc"},
        bearer("not-a-jwt"),
        bearer(issue_token("another-key-entirely-of-enough-length!", role="case_manager")),
        bearer(
            issue_token(
                SECRET,
                role="case_manager",
                now=datetime.now(UTC) - timedelta(days=2),
                ttl=timedelta(hours=1),
            )
        ),
    ],
    ids=["missing", "wrong-scheme", "garbage", "wrong-key", "expired"],
)
def test_missing_or_invalid_tokens_are_401(client, headers):
    response = client.post("/things", json=GOOD, headers=headers)
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"


def test_an_unsigned_alg_none_token_is_401(client):
    def part(data: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    exp = int((datetime.now(UTC) + timedelta(hours=1)).timestamp())
    forged = (
        f"{part({'alg': 'none', 'typ': 'JWT'})}.{part({'sub': 'x', 'role': 'admin', 'exp': exp})}."
    )
    assert client.post("/things", json=GOOD, headers=bearer(forged)).status_code == 401


def test_wrong_role_is_403_and_out_of_district_is_404(client):
    phw = issue_token(SECRET, role="phw", districts=["rudaki"])
    assert client.post("/things", json=GOOD, headers=bearer(phw)).status_code == 403
    other = issue_token(SECRET, role="case_manager", districts=["vahdat"])
    response = client.post("/things", json=GOOD, headers=bearer(other))
    assert response.status_code == 404 and "rudaki" not in response.get_data(as_text=True)


def test_a_role_that_may_not_act_gets_403_whatever_its_body(client):
    phw = bearer(issue_token(SECRET, role="phw", districts=["rudaki"]))
    for body in ({"name": 1, "extra": True}, {}, [1, 2]):
        response = client.post("/things", json=body, headers=phw)
        assert response.status_code == 403, body
        assert response.get_json()["error"]["fields"] == {}
    headers = {**phw, "Content-Type": "application/json"}
    assert client.post("/things", data="{", headers=headers).status_code == 403


def test_field_errors_unknown_fields_and_bad_bodies(client):
    token = bearer(issue_token(SECRET, role="case_manager", districts=["rudaki"]))
    response = client.post("/things", json={"name": 1, "extra": True}, headers=token)
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "validation_error"
    assert set(error["fields"]) == {"name", "extra", "district_code"}
    assert (
        client.post(
            "/things", data="{", headers={**token, "Content-Type": "application/json"}
        ).status_code
        == 400
    )
    assert (
        client.post(
            "/things", data="x=1", headers={**token, "Content-Type": "text/plain"}
        ).status_code
        == 415
    )
    deep = "[" * 50_000 + "]" * 50_000
    assert (
        client.post(
            "/things", data=deep, headers={**token, "Content-Type": "application/json"}
        ).status_code
        == 400
    )
    big = json.dumps({"name": "x" * 300_000, "district_code": "rudaki"})
    assert (
        client.post(
            "/things", data=big, headers={**token, "Content-Type": "application/json"}
        ).status_code
        == 413
    )


def test_unexpected_errors_are_json_500_without_details(client):
    token = bearer(issue_token(SECRET, role="case_manager", districts=["rudaki"]))
    response = client.get("/things/boom", headers=token)
    assert response.status_code == 500
    assert response.get_json() == {
        "error": {"code": "internal_error", "message": "internal error", "fields": {}}
    }
    assert "secret internal detail" not in response.get_data(as_text=True)


def test_unknown_paths_and_methods_answer_in_the_error_shape(client):
    assert client.get("/nothing-here").get_json()["error"]["code"] == "not_found"
    assert client.delete("/things").get_json()["error"]["code"] == "method_not_allowed"


def test_health_readiness_metrics_and_openapi(client):
    assert client.get("/healthz").get_json()["status"] == "ok"
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.get_json()["checks"] == {
        "database": "ok",
        "broker": "ok",
    }
    metrics = client.get("/metrics").get_data(as_text=True)
    assert "platform_outbox_lag_seconds" in metrics and "http_requests_total" in metrics
    spec = client.get("/openapi.json").get_json()
    assert spec["openapi"].startswith("3.") and "/things" in spec["paths"]
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"


def test_a_missing_token_is_401_before_the_body_is_even_validated(client):
    response = client.post("/things", json={"x": [1]})
    assert response.status_code == 401 and response.get_json()["error"]["fields"] == {}


def test_text_that_cannot_be_stored_is_refused_not_crashed_on(client):
    token = bearer(issue_token(SECRET, role="case_manager", districts=["rudaki"]))
    for raw in ('{"name": "a\\u0000b", "district_code": "rudaki"}',
                '{"name": "\\ud800", "district_code": "rudaki"}'):  # fmt: skip
        response = client.post(
            "/things", data=raw, headers={**token, "Content-Type": "application/json"}
        )
        assert response.status_code == 400, raw
    assert client.get("/things/boom?q=%00", headers=token).status_code == 400


def test_an_oversized_chunked_body_is_413(client):
    token = bearer(issue_token(SECRET, role="case_manager", districts=["rudaki"]))

    body = b'{"name": "' + b"x" * 400_000 + b'", "district_code": "rudaki"}'
    response = client.post(
        "/things",
        input_stream=io.BytesIO(body),
        headers={**token, "Content-Type": "application/json", "Transfer-Encoding": "chunked"},
    )
    assert response.status_code == 413


def test_json_answers_carry_cyrillic_as_utf8_text(client):
    token = issue_token(SECRET, role="case_manager", districts=["rudaki"])
    body = {"name": "Фарзона Раҳимова", "district_code": "rudaki"}
    response = client.post("/things", json=body, headers=bearer(token))
    assert response.status_code == 201
    assert "Фарзона Раҳимова".encode() in response.data
    assert b"\\u" not in response.data
    assert response.mimetype == "application/json"


def test_a_use_case_refusal_answers_exactly_as_the_http_layer_would(client):
    headers = bearer(issue_token(SECRET, role="case_manager", districts=["rudaki"]))
    refused = client.get("/things/refused", headers=headers)
    aborted = client.get("/things/aborted", headers=headers)
    assert refused.status_code == aborted.status_code == 409
    assert refused.get_data() == aborted.get_data()
    assert refused.content_type == aborted.content_type
    assert refused.get_json() == {
        "error": {
            "code": "thing_closed",
            "message": "this thing is closed; open it first",
            "fields": {"name": ["Is closed."]},
            "closed_by": "case_manager",
        }
    }
