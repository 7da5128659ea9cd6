"""/readyz: which dependencies take an API out of service (READINESS_REQUIRES)."""

from __future__ import annotations

import pytest
from sqlalchemy import MetaData

from shared.config import load_settings
from shared.runtime import Runtime, messaging_tables
from shared.web import build_app

DEAD_BROKER = "amqp://guest:guest@127.0.0.1:1//"
DEAD_DATABASE = "postgresql+psycopg://nobody@127.0.0.1:1/nothing"


def ready(tmp_path, database_url: str, **env: str):
    """Ask /readyz of an API whose broker (and perhaps database) does not answer."""
    settings = {"DATABASE_URL": database_url, "BROKER_URL": DEAD_BROKER,
                "DATA_DIR": str(tmp_path), "JWT_SECRET": "x" * 32, **env}  # fmt: skip
    metadata = MetaData()
    runtime = Runtime(load_settings("intake", settings), metadata, messaging_tables(metadata))
    if database_url.startswith("sqlite"):
        runtime.create_all()
    answer = build_app(runtime, title="Test", blueprints=[]).test_client().get("/readyz")
    return answer.status_code, answer.get_json()


def test_by_default_a_broker_outage_makes_the_api_not_ready(tmp_path):
    status, body = ready(tmp_path, f"sqlite:///{tmp_path}/t.db")
    assert status == 503 and body["error"]["code"] == "not_ready"
    assert body["error"]["checks"]["broker"].startswith("unreachable")


def test_requiring_only_the_database_keeps_the_api_in_service_through_a_broker_outage(tmp_path):
    status, body = ready(tmp_path, f"sqlite:///{tmp_path}/t.db", READINESS_REQUIRES="database")
    assert status == 200 and body["status"] == "ready"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["broker"].startswith("unreachable")  # still reported


@pytest.mark.parametrize("requires", ["database", "database,broker"])
def test_without_its_database_an_api_is_never_ready(tmp_path, requires):
    status, body = ready(tmp_path, DEAD_DATABASE, READINESS_REQUIRES=requires)
    assert status == 503 and body["error"]["checks"]["database"].startswith("unreachable")
