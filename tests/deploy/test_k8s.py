"""The Kubernetes manifests start the real entry points with the settings the code reads."""

from __future__ import annotations

import pytest
import yaml

from tests.deploy.entrypoints import (
    PORTS,
    ROOT,
    SECRETS,
    SERVICE_ENV,
    entry_point_problem,
    known_names,
)

K8S = ROOT / "deploy" / "k8s"
KUSTOMIZATION = yaml.safe_load((K8S / "kustomization.yaml").read_text())
DOCS = [
    doc
    for name in KUSTOMIZATION["resources"]
    for doc in yaml.safe_load_all((K8S / name).read_text())
]
CONFIG = next(d for d in DOCS if d["kind"] == "ConfigMap")
WORKLOADS = {d["metadata"]["name"]: d for d in DOCS if d["kind"] in ("Deployment", "Job")}
CONTAINERS = [
    (name, container)
    for name, doc in WORKLOADS.items()
    for container in doc["spec"]["template"]["spec"]["containers"]
]

IDS = [f"{name}/{container['name']}" for name, container in CONTAINERS]


def _env_names(container: dict) -> set[str]:
    names = {e["name"] for e in container.get("env", [])}
    for source in container.get("envFrom", []):
        assert source["configMapRef"]["name"] == CONFIG["metadata"]["name"]
        names |= set(CONFIG["data"])
    return names


def test_every_service_has_an_api_a_worker_a_service_and_a_migration():
    assert {f"{s}-{kind}" for s in PORTS for kind in ("api", "worker")} <= set(WORKLOADS)
    services = {d["metadata"]["name"] for d in DOCS if d["kind"] == "Service"}
    assert services == set(PORTS) | {"portal"}
    migrations = [c["command"][-1] for n, c in CONTAINERS if WORKLOADS[n]["kind"] == "Job"]
    assert sorted(migrations) == sorted(f"services.{s}.migrate" for s in [*PORTS, "portal"])


@pytest.mark.parametrize("name,container", CONTAINERS, ids=IDS)
def test_each_container_runs_a_real_entry_point_with_known_settings(name, container):
    assert entry_point_problem(container["command"]) is None, entry_point_problem(
        container["command"]
    )
    names = _env_names(container)
    unknown = names - known_names(api=name.endswith("-api"))
    assert not unknown, f"not read by the code: {unknown}"
    assert "DATABASE_URL" in names


@pytest.mark.parametrize("name,container", CONTAINERS, ids=IDS)
def test_secrets_come_from_the_secret_not_the_config_map(name, container):
    assert not SECRETS & set(CONFIG["data"])
    for env in container.get("env", []):
        if env["name"] in SECRETS:
            assert env["valueFrom"]["secretKeyRef"]["name"] == "platform-secrets"


@pytest.mark.parametrize("service", PORTS)
def test_apis_and_workers_get_their_service_settings(service):
    for kind in ("api", "worker"):
        (container,) = WORKLOADS[f"{service}-{kind}"]["spec"]["template"]["spec"]["containers"]
        assert f"services.{service}." in " ".join(container["command"])
        assert SERVICE_ENV[service] <= _env_names(container)
        database = next(e for e in container["env"] if e["name"] == "DATABASE_URL")
        assert database["valueFrom"]["secretKeyRef"]["key"].startswith(service.upper())


@pytest.mark.parametrize("service", PORTS)
def test_apis_listen_on_their_port_and_probe_readiness(service):
    (container,) = WORKLOADS[f"{service}-api"]["spec"]["template"]["spec"]["containers"]
    port = PORTS[service]
    assert {"name": "PORT", "value": str(port)} in container["env"]
    assert container["ports"] == [{"name": "http", "containerPort": port}]
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    services = {d["metadata"]["name"]: d for d in DOCS if d["kind"] == "Service"}
    pods = WORKLOADS[f"{service}-api"]["spec"]["selector"]["matchLabels"]
    assert services[service]["spec"]["selector"] == pods
    assert services[service]["spec"]["ports"][0]["port"] == port
