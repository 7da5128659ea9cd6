"""The broker definitions loaded by docker-compose match the topology the code declares."""

from __future__ import annotations

import json
import subprocess
import sys
from urllib.parse import unquote, urlparse

import yaml

from tests.deploy.entrypoints import ROOT

DEFINITIONS = ROOT / "deploy" / "rabbitmq" / "definitions.json"
REGENERATE = "python -m shared.messaging.definitions --users > deploy/rabbitmq/definitions.json"


def _generated() -> dict:
    argv = [sys.executable, "-m", "shared.messaging.definitions", "--users"]
    result = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, check=True)
    return json.loads(result.stdout)


def test_the_definitions_file_is_what_the_code_topology_generates():
    assert json.loads(DEFINITIONS.read_text()) == _generated(), f"regenerate: {REGENERATE}"


def test_the_services_broker_user_may_use_its_vhost():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    url = urlparse(compose["x-common-env"]["BROKER_URL"])
    vhost = unquote(url.path[1:]) or "/"
    definitions = json.loads(DEFINITIONS.read_text())
    assert url.username in {user["name"] for user in definitions["users"]}
    assert {"name": vhost} in definitions["vhosts"]
    grant = {"user": url.username, "vhost": vhost, "configure": ".*", "write": ".*", "read": ".*"}
    assert grant in definitions["permissions"]
    assert {queue["vhost"] for queue in definitions["queues"]} == {vhost}
