"""docker-compose.yml starts the real entry points with the settings the code reads."""

from __future__ import annotations

import re

import pytest
import yaml

from shared.config import ENV_NAMES
from tests.deploy.entrypoints import (
    PORTAL_PORT,
    PORTS,
    ROOT,
    SERVICE_ENV,
    entry_point_problem,
    gunicorn_conf_names,
    known_names,
    service_of,
)

COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
APP_PROCESSES = sorted(name for name, spec in SERVICES.items() if "build" in spec)
LONG_RUNNING = [p for p in APP_PROCESSES if not p.endswith("-migrate")]
REQUIRED_SECRETS = ("JWT_SECRET", "SMS_RECEIPT_SECRET", "POSTGRES_PASSWORD", "PORTAL_SECRET_KEY")
WEB_PORTS = {**PORTS, "portal": PORTAL_PORT}


def test_every_service_has_a_migration_an_api_and_a_worker():
    expected = {f"{s}-{kind}" for s in PORTS for kind in ("migrate", "api", "worker")}
    assert set(APP_PROCESSES) == expected | {"portal-migrate", "portal-api"}


def test_the_service_settings_are_names_the_config_reads():
    for names in SERVICE_ENV.values():
        assert names <= set(ENV_NAMES)
    assert {"PORT", "GUNICORN_WORKERS", "GUNICORN_THREADS"} <= gunicorn_conf_names()


@pytest.mark.parametrize("process", APP_PROCESSES)
def test_each_command_is_a_real_entry_point(process):
    command = SERVICES[process]["command"]
    assert entry_point_problem(command) is None, entry_point_problem(command)
    assert f"services.{service_of(process)}." in " ".join(command)


@pytest.mark.parametrize("process", APP_PROCESSES)
def test_each_environment_name_is_read_by_the_code(process):
    names = set(SERVICES[process]["environment"])
    unknown = names - known_names(api=process.endswith("-api"))
    assert not unknown, f"not read by the code: {unknown}"


@pytest.mark.parametrize("process", LONG_RUNNING)
def test_each_process_gets_every_setting_of_its_service(process):
    assert SERVICE_ENV[service_of(process)] <= set(SERVICES[process]["environment"])


@pytest.mark.parametrize("process", APP_PROCESSES)
def test_each_service_uses_its_own_database(process):
    url = SERVICES[process]["environment"]["DATABASE_URL"]
    assert url.startswith("postgresql+psycopg://")
    assert url.endswith(f"@postgres:5432/{service_of(process)}")


def test_the_database_init_script_creates_every_service_database():
    volumes = SERVICES["postgres"]["volumes"]
    mounts = [v for v in volumes if "/docker-entrypoint-initdb.d/" in v]
    assert len(mounts) == 1
    script = (ROOT / mounts[0].split(":")[0]).read_text()
    created = set(re.findall(r"CREATE DATABASE (\w+);", script, flags=re.IGNORECASE))
    assert created == set(PORTS) | {"portal"}


@pytest.mark.parametrize("service", WEB_PORTS)
def test_apis_listen_on_the_contract_ports_and_report_readiness(service):
    api = SERVICES[f"{service}-api"]
    port = WEB_PORTS[service]
    assert api["ports"] == [f"{port}:{port}"]
    assert api["environment"]["PORT"] == str(port)
    assert f"127.0.0.1:{port}/readyz" in " ".join(api["healthcheck"]["test"])


@pytest.mark.parametrize("process", LONG_RUNNING)
def test_apis_and_workers_wait_for_migration_and_healthy_servers(process):
    depends = SERVICES[process]["depends_on"]
    assert depends[f"{service_of(process)}-migrate"] == {
        "condition": "service_completed_successfully"
    }
    if service_of(process) != "portal":  # the portal uses no broker
        assert depends["rabbitmq"] == {"condition": "service_healthy"}
    assert depends["postgres"] == {"condition": "service_healthy"}


@pytest.mark.parametrize("process", [p for p in APP_PROCESSES if p.endswith("-migrate")])
def test_migrations_run_once_after_the_database_is_healthy(process):
    assert SERVICES[process]["depends_on"]["postgres"] == {"condition": "service_healthy"}
    assert SERVICES[process]["restart"] == "no"


def test_servers_have_health_checks_and_named_volumes():
    for server in ("rabbitmq", "postgres"):
        assert SERVICES[server]["healthcheck"]["test"]
        named = [v.split(":")[0] for v in SERVICES[server]["volumes"]]
        assert any(name in COMPOSE["volumes"] for name in named)
    assert SERVICES["rabbitmq"]["image"].startswith("rabbitmq:3.13-management")
    assert SERVICES["postgres"]["image"].startswith("postgres:16")


def test_the_broker_loads_the_definitions_file():
    mounts = {src: dst for src, dst, *_ in (v.split(":") for v in SERVICES["rabbitmq"]["volumes"])}
    definitions = mounts["./deploy/rabbitmq/definitions.json"]
    config = (ROOT / "deploy/rabbitmq/rabbitmq.conf").read_text()
    assert mounts["./deploy/rabbitmq/rabbitmq.conf"].startswith("/etc/rabbitmq/conf.d/")
    assert f"load_definitions = {definitions}" in config
    assert (ROOT / "deploy/rabbitmq/definitions.json").is_file()


@pytest.mark.parametrize("secret", REQUIRED_SECRETS)
def test_secrets_have_no_default_and_stop_compose_when_missing(secret):
    text = (ROOT / "docker-compose.yml").read_text()
    uses = re.findall(r"\$\{" + secret + r"([^}]*)\}", text)
    assert uses, f"{secret} is never used"
    assert all(use.startswith(":?") for use in uses), uses


def test_all_processes_run_one_image_built_by_the_project_dockerfile():
    images = {SERVICES[p]["image"] for p in APP_PROCESSES}
    builds = {SERVICES[p]["build"]["dockerfile"] for p in APP_PROCESSES}
    assert len(images) == 1
    assert builds == {"deploy/Dockerfile"}
    assert (ROOT / "deploy/Dockerfile").is_file()


def test_the_image_holds_the_gunicorn_config_the_apis_name():
    dockerfile = (ROOT / "deploy/Dockerfile").read_text()
    assert "WORKDIR /app" in dockerfile
    assert "COPY deploy/gunicorn.conf.py ./deploy/gunicorn.conf.py" in dockerfile
    assert re.search(r"^USER \d+$", dockerfile, flags=re.MULTILINE), "must not run as root"
