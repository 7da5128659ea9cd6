"""The broker definitions loaded by docker-compose match the topology the code declares."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from urllib.parse import unquote, urlparse

import yaml

from tests.deploy.entrypoints import ROOT

DEFINITIONS = ROOT / "deploy" / "rabbitmq" / "definitions.json"
REGENERATE = "python -m shared.messaging.definitions --users > deploy/rabbitmq/definitions.json"


def _generated(*flags: str) -> dict:
    argv = [sys.executable, "-m", "shared.messaging.definitions", *flags]
    result = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, check=True)
    return json.loads(result.stdout)


def test_the_definitions_file_is_what_the_code_topology_generates():
    assert json.loads(DEFINITIONS.read_text()) == _generated("--users"), f"regenerate: {REGENERATE}"


def test_each_service_has_its_own_broker_user_and_no_administrator():
    definitions = json.loads(DEFINITIONS.read_text())
    users = {user["name"]: user for user in definitions["users"]}
    assert set(users) == {"intake", "assessment", "referral", "notifications", "quality"}
    assert all(user["tags"] == [] for user in users.values()), "no administrator tag"
    assert all(user["password_hash"].startswith("@") for user in users.values()), "no secrets"
    assert "guest" not in DEFINITIONS.read_text()


def test_each_user_reaches_the_exchanges_and_its_own_queues_only():
    definitions = json.loads(DEFINITIONS.read_text())
    exchanges = [e["name"] for e in definitions["exchanges"]]
    queues = [q["name"] for q in definitions["queues"]]
    for grant in definitions["permissions"]:
        user = grant["user"]
        for right in ("configure", "write", "read"):
            allowed = re.compile(grant[right])
            assert all(allowed.match(name) for name in exchanges), (user, right)
            reachable = {q for q in queues if allowed.match(q)}
            assert reachable == {q for q in queues if q.startswith(f"{user}.events")}, (user, right)
            assert not allowed.match("amq.default") and not allowed.match("other.events")


def test_each_compose_process_logs_in_as_a_defined_user_on_the_defined_vhost():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    definitions = json.loads(DEFINITIONS.read_text())
    users = {user["name"] for user in definitions["users"]}
    granted = {(p["user"], p["vhost"]) for p in definitions["permissions"]}
    for name, spec in compose["services"].items():
        broker = spec.get("environment", {}).get("BROKER_URL")
        if not broker:
            continue
        url = urlparse(re.sub(r"\$\{[^}]*\}", "password", broker))
        vhost = unquote(url.path[1:]) or "/"
        assert url.username in users, name
        assert (url.username, vhost) in granted, name
    assert {queue["vhost"] for queue in definitions["queues"]} == {vhost}


def test_the_broker_renders_every_users_password_from_the_environment():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    rabbit = compose["services"]["rabbitmq"]
    script = (ROOT / "deploy" / "rabbitmq" / "entrypoint.sh").read_text()
    definitions = DEFINITIONS.read_text()
    for user in ("intake", "assessment", "referral", "notifications", "quality"):
        placeholder = f"@{user.upper()}_BROKER_PASSWORD_HASH@"
        assert placeholder in definitions
        assert f"{user.upper()}_BROKER_PASSWORD" in rabbit["environment"]
        assert user in script.split("for service in ", 1)[1].split(";", 1)[0]
    assert "openssl dgst -sha256" in script and "exec docker-entrypoint.sh" in script


def test_the_operators_cluster_loads_the_same_topology_without_users():
    """deploy/k8s/operators/definitions.json is the generator's output without users."""
    operated = json.loads((ROOT / "deploy" / "k8s" / "operators" / "definitions.json").read_text())
    assert operated == _generated()
