"""Every Kubernetes manifest is valid offline: core kinds against Kubernetes' own schemas
(kubernetes-validate), the operators' kinds against their CRD schemas (vendored in
tests/deploy/schemas/, with their licences), unknown fields refused as `kubectl --validate=strict`
would. Then what the operators' resources must say for the platform to survive a node."""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import kubernetes_validate
import pytest
import yaml

from shared.messaging.topology import Topology
from tests.deploy.entrypoints import ROOT

K8S = ROOT / "deploy" / "k8s"
SCHEMAS = Path(__file__).parent / "schemas"
KUBERNETES_VERSION = "1.30"
CRD_SCHEMAS = {
    ("rabbitmq.com/v1beta1", "RabbitmqCluster"): "rabbitmq.com_v1beta1_rabbitmqcluster.json",
    ("postgresql.cnpg.io/v1", "Cluster"): "postgresql.cnpg.io_v1_cluster.json",
    ("keda.sh/v1alpha1", "ScaledObject"): "keda.sh_v1alpha1_scaledobject.json",
    ("keda.sh/v1alpha1", "TriggerAuthentication"): "keda.sh_v1alpha1_triggerauthentication.json",
}


def _documents(path: Path) -> list[dict]:
    return [doc for doc in yaml.safe_load_all(path.read_text()) if doc]


def _kustomization(folder: Path) -> dict:
    return yaml.safe_load((folder / "kustomization.yaml").read_text())


def _resources(folder: Path) -> list[dict]:
    """Every document a kustomization folder applies, following `../`-style bases."""
    docs: list[dict] = []
    for entry in _kustomization(folder)["resources"]:
        target = (folder / entry).resolve()
        docs += _resources(target) if target.is_dir() else _documents(target)
    return docs


MANIFESTS = sorted(p for p in K8S.rglob("*.yaml") if p.name != "kustomization.yaml")
DOCS = [
    (f"{path.relative_to(K8S)}#{n}", doc)
    for path in MANIFESTS
    for n, doc in enumerate(_documents(path))
]
OPERATED = _resources(K8S / "operators")


def _strict(schema: Any) -> Any:
    """Refuse fields a schema does not name, where it does not keep unknown fields on purpose."""
    if isinstance(schema, list):
        return [_strict(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    strict = {key: _strict(value) for key, value in schema.items()}
    keeps_unknown = schema.get("x-kubernetes-preserve-unknown-fields")
    if "properties" in schema and "additionalProperties" not in schema and not keeps_unknown:
        strict["additionalProperties"] = False
    return strict


@cache
def _crd_validator(api_version: str, kind: str) -> jsonschema.Draft7Validator:
    schema = json.loads((SCHEMAS / CRD_SCHEMAS[(api_version, kind)]).read_text())
    schema.pop("$comment", None)
    metadata = copy.deepcopy(schema["properties"].get("metadata", {"type": "object"}))
    strict = _strict(schema)
    strict["properties"]["metadata"] = metadata  # ObjectMeta is Kubernetes', checked below
    return jsonschema.Draft7Validator(strict)


def _crd_problems(doc: dict) -> list[str]:
    validator = _crd_validator(doc["apiVersion"], doc["kind"])
    problems = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
                for e in validator.iter_errors(doc)]  # fmt: skip
    meta = doc["metadata"]
    if set(meta) - {"name", "namespace", "labels", "annotations"} or "name" not in meta:
        problems.append(f"metadata: {sorted(meta)}")
    return problems


@pytest.mark.parametrize("where,doc", DOCS, ids=[w for w, _ in DOCS])
def test_every_manifest_is_valid_against_its_schema(where, doc):
    if (doc["apiVersion"], doc["kind"]) in CRD_SCHEMAS:
        assert _crd_problems(doc) == []
    else:
        kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)


def test_a_typo_in_an_operator_resource_is_caught():
    rabbit = copy.deepcopy(next(d for d in OPERATED if d["kind"] == "RabbitmqCluster"))
    rabbit["spec"]["replica"] = rabbit["spec"].pop("replicas")
    assert any("replica" in p for p in _crd_problems(rabbit))
    cluster = copy.deepcopy(next(d for d in OPERATED if d["kind"] == "Cluster"))
    cluster["spec"]["instances"] = "three"
    assert any("instances" in p for p in _crd_problems(cluster))


def test_every_kustomization_lists_files_that_exist():
    for folder in (K8S, K8S / "operators"):
        kustomization = _kustomization(folder)
        for entry in kustomization["resources"]:
            assert (folder / entry).exists(), f"{folder}: {entry}"
        for generator in kustomization.get("configMapGenerator", []):
            for name in generator["files"]:
                assert (folder / name).is_file(), f"{folder}: {name}"
    listed = {p.name for p in MANIFESTS if p.parent == K8S} - {"secret.example.yaml"}
    assert listed == set(_kustomization(K8S)["resources"])


def test_rabbitmq_runs_three_nodes_that_load_the_platform_topology():
    (rabbit,) = [d for d in OPERATED if d["kind"] == "RabbitmqCluster"]
    assert rabbit["spec"]["replicas"] == 3
    config = rabbit["spec"]["rabbitmq"]["additionalConfig"]
    path = next(line.split("=", 1)[1].strip() for line in config.splitlines()
                if line.startswith("load_definitions"))  # fmt: skip
    pod = rabbit["spec"]["override"]["statefulSet"]["spec"]["template"]["spec"]
    (mount,) = pod["containers"][0]["volumeMounts"]
    assert path == f"{mount['mountPath']}/definitions.json"
    (volume,) = [v for v in pod["volumes"] if v["name"] == mount["name"]]
    (generator,) = _kustomization(K8S / "operators")["configMapGenerator"]
    assert volume["configMap"]["name"] == generator["name"]
    definitions = json.loads((K8S / "operators" / "definitions.json").read_text())
    declared = {q.name: q.queue_arguments for q in Topology().all_queues()}
    assert {q["name"]: q["arguments"] for q in definitions["queues"]} == declared
    assert {q["arguments"]["x-queue-type"] for q in definitions["queues"]} == {"quorum"}


def test_postgres_keeps_a_synchronous_standby_and_a_database_per_service():
    (cluster,) = [d for d in OPERATED if d["kind"] == "Cluster"]
    assert cluster["spec"]["instances"] >= 2
    assert cluster["spec"]["postgresql"]["synchronous"]["number"] >= 1
    initdb = cluster["spec"]["bootstrap"]["initdb"]
    created = {initdb["database"]} | {sql.split()[2] for sql in initdb["postInitSQL"]}
    assert created == {"intake", "assessment", "referral", "notifications", "portal", "quality"}


def test_every_process_has_a_disruption_budget():
    deployments = {d["metadata"]["name"]: d for d in OPERATED if d["kind"] == "Deployment"}
    budgets = [d for d in OPERATED if d["kind"] == "PodDisruptionBudget"]
    covered = {name for name, deployment in deployments.items()
               for budget in budgets
               if budget["spec"]["selector"]["matchLabels"].items()
               <= deployment["spec"]["template"]["metadata"]["labels"].items()}  # fmt: skip
    assert covered == set(deployments)
    assert all(b["spec"].get("maxUnavailable") == 1 for b in budgets)


def test_workers_scale_on_their_own_queue_and_never_to_zero():
    deployments = {d["metadata"]["name"] for d in OPERATED if d["kind"] == "Deployment"}
    scaled = [d for d in OPERATED if d["kind"] == "ScaledObject"]
    names = {"TriggerAuthentication": {d["metadata"]["name"] for d in OPERATED
                                       if d["kind"] == "TriggerAuthentication"}}  # fmt: skip
    topology = Topology()
    assert {s["spec"]["scaleTargetRef"]["name"] for s in scaled} == {
        f"{service}-worker" for service in topology.consuming_services()
    }
    for item in scaled:
        target = item["spec"]["scaleTargetRef"]["name"]
        assert target in deployments
        assert item["spec"]["minReplicaCount"] >= 1  # the outbox relay and timers run there
        (trigger,) = item["spec"]["triggers"]
        service = target.removesuffix("-worker")
        assert trigger["metadata"]["queueName"] == topology.names.queue(service)
        assert trigger["authenticationRef"]["name"] in names["TriggerAuthentication"]


def test_a_broker_outage_does_not_take_the_apis_out_of_service():
    (config,) = [d for d in OPERATED if d["kind"] == "ConfigMap" and "data" in d
                 and "LOG_LEVEL" in d["data"]]  # fmt: skip
    assert config["data"]["READINESS_REQUIRES"] == "database"
