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


POLICIES = {d["metadata"]["name"]: d for d in DOCS if d["kind"] == "NetworkPolicy"}


@pytest.mark.parametrize("name", sorted(WORKLOADS))
def test_pods_run_without_a_token_with_seccomp_and_as_non_root(name):
    pod = WORKLOADS[name]["spec"]["template"]["spec"]
    assert pod["automountServiceAccountToken"] is False
    assert pod["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
    assert pod["securityContext"]["runAsNonRoot"] is True


@pytest.mark.parametrize("name,container", CONTAINERS, ids=IDS)
def test_containers_drop_every_capability_and_have_cpu_and_memory_limits(name, container):
    security = container["securityContext"]
    assert security["capabilities"]["drop"] == ["ALL"]
    assert security["allowPrivilegeEscalation"] is False
    assert security["readOnlyRootFilesystem"] is True
    assert security["seccompProfile"] == {"type": "RuntimeDefault"}
    limits = container["resources"]["limits"]
    assert limits.get("cpu") and limits.get("memory")


@pytest.mark.parametrize("name,container", CONTAINERS, ids=IDS)
def test_each_process_uses_its_own_database_role_and_broker_user(name, container):
    keys = {
        e["name"]: e["valueFrom"]["secretKeyRef"]["key"]
        for e in container.get("env", [])
        if "valueFrom" in e
    }
    service = (
        container["command"][-1].split(".")[1]
        if WORKLOADS[name]["kind"] == "Job"
        else (name.rsplit("-", 1)[0])
    )
    wanted = "MIGRATION_DATABASE_URL" if WORKLOADS[name]["kind"] == "Job" else "DATABASE_URL"
    assert keys["DATABASE_URL"] == f"{service.upper()}_{wanted}"
    if "BROKER_URL" in keys:
        assert keys["BROKER_URL"] == f"{service.upper()}_BROKER_URL"


def test_network_traffic_is_denied_unless_a_policy_allows_it():
    deny = POLICIES["default-deny"]["spec"]
    assert deny["podSelector"] == {} and set(deny["policyTypes"]) == {"Ingress", "Egress"}
    assert "ingress" not in deny and "egress" not in deny


def test_every_workload_is_covered_by_the_egress_policy_it_needs():
    egress = POLICIES["platform-egress-dns-database-broker"]["spec"]
    selector = egress["podSelector"]["matchLabels"]
    ports = {p["port"] for rule in egress["egress"] for p in rule["ports"]}
    assert ports == {53, 5432, 5672}
    for name, workload in WORKLOADS.items():
        labels = workload["spec"]["template"]["metadata"]["labels"]
        assert selector.items() <= labels.items(), f"{name} cannot reach its database"


def test_only_the_apis_accept_traffic_and_only_the_sms_worker_calls_out():
    ingress = POLICIES["api-ingress"]["spec"]
    (expression,) = ingress["podSelector"]["matchExpressions"]
    assert set(expression["values"]) == {f"{s}-api" for s in PORTS}
    assert {p["port"] for p in ingress["ingress"][0]["ports"]} == set(PORTS.values())
    outside = POLICIES["notifications-worker-egress-sms-gateway"]["spec"]
    assert outside["podSelector"]["matchLabels"] == {
        "app.kubernetes.io/name": "notifications-worker"
    }
    ingress_policies = [p for p in POLICIES.values() if "Ingress" in p["spec"]["policyTypes"]]
    assert {p["metadata"]["name"] for p in ingress_policies} == {
        "default-deny",
        "api-ingress",
        "portal-ingress-and-api-egress",
    }
    portal = POLICIES["portal-ingress-and-api-egress"]["spec"]
    assert portal["podSelector"]["matchLabels"] == {"app.kubernetes.io/name": "portal-api"}
    assert [p["port"] for p in portal["ingress"][0]["ports"]] == [8000]
    assert {p["port"] for p in portal["egress"][0]["ports"]} == set(PORTS.values())


def test_the_sms_gateway_is_chosen_explicitly_and_is_not_console():
    assert CONFIG["data"]["SMS_GATEWAY"] not in ("", "console")
