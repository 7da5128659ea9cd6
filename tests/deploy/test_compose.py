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
ROLE_PASSWORDS = tuple(f"{s.upper()}_{kind}_PASSWORD" for s in PORTS for kind in ("DB", "BROKER"))
REQUIRED_SECRETS = (
    "JWT_SECRET", "SMS_RECEIPT_SECRET", "POSTGRES_PASSWORD", "MIGRATION_DB_PASSWORD",
    "PORTAL_SECRET_KEY", "PORTAL_DB_PASSWORD",
    *ROLE_PASSWORDS,
)  # fmt: skip
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
def test_each_service_uses_its_own_database_as_its_own_role(process):
    url = SERVICES[process]["environment"]["DATABASE_URL"]
    service = service_of(process)
    assert url.endswith(f"@postgres:5432/{service}")
    # Migrations run as the migration role; the API and worker as the service's own role.
    role = "migrator" if process.endswith("-migrate") else service
    assert url.startswith(f"postgresql+psycopg://{role}:${{")
    assert "postgres:${" not in url, "no process may log in as the superuser"


@pytest.mark.parametrize("process", [p for p in LONG_RUNNING if service_of(p) != "portal"])
def test_each_service_uses_its_own_broker_user(process):
    url = SERVICES[process]["environment"]["BROKER_URL"]
    service = service_of(process)
    assert url.startswith(f"amqp://{service}:${{{service.upper()}_BROKER_PASSWORD:?")
    assert "guest" not in url


def init_script() -> str:
    volumes = SERVICES["postgres"]["volumes"]
    mounts = [v for v in volumes if "/docker-entrypoint-initdb.d/" in v]
    assert len(mounts) == 1
    return (ROOT / mounts[0].split(":")[0]).read_text()


def test_the_database_init_script_creates_a_role_and_a_database_per_service():
    script = init_script()
    assert "for service in intake assessment referral notifications quality portal; do" in script
    assert 'CREATE ROLE :"role" LOGIN' in script and "CREATE ROLE migrator LOGIN" in script
    # The migration role owns each database; the service role gets rows only, not the schema.
    assert 'CREATE DATABASE :"role" OWNER migrator;' in script
    assert 'REVOKE ALL ON DATABASE :"role" FROM PUBLIC;' in script
    assert "GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES" in script
    assert not re.search(r"GRANT ALL|SUPERUSER|CREATEDB|CREATEROLE", script)
    for name in ("MIGRATION", "PORTAL", *(s.upper() for s in PORTS)):
        assert f"{name}_DB_PASSWORD" in " ".join(SERVICES["postgres"]["environment"])


@pytest.mark.parametrize("service", WEB_PORTS)
def test_apis_listen_on_the_contract_ports_and_report_readiness(service):
    api = SERVICES[f"{service}-api"]
    port = WEB_PORTS[service]
    # Not on every interface: only on loopback, for a TLS-terminating proxy in front.
    assert api["ports"] == [f"127.0.0.1:{port}:{port}"]
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
    assert "load_definitions = /etc/rabbitmq/definitions.json" in config
    assert definitions == "/etc/rabbitmq/definitions.template.json"
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


@pytest.mark.parametrize("server", ["rabbitmq", "postgres", *APP_PROCESSES])
def test_every_container_has_cpu_and_memory_limits(server):
    limits = SERVICES[server]["deploy"]["resources"]["limits"]
    assert float(limits["cpus"]) > 0 and limits["memory"]


@pytest.mark.parametrize("process", APP_PROCESSES)
def test_app_processes_drop_every_capability(process):
    assert SERVICES[process]["cap_drop"] == ["ALL"]
    assert "no-new-privileges:true" in SERVICES[process]["security_opt"]


def test_every_published_port_is_on_loopback_only():
    for name, spec in SERVICES.items():
        for port in spec.get("ports", []):
            assert str(port).startswith("127.0.0.1:"), f"{name} publishes {port} everywhere"


def test_the_sms_gateway_must_be_chosen_explicitly():
    value = COMPOSE["x-notifications-env"]["SMS_GATEWAY"]
    assert value.startswith("${SMS_GATEWAY:?"), value
