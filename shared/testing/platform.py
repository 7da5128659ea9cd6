"""Every process, started with docker-compose.yml's commands and settings, on real servers."""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests
from sqlalchemy import create_engine, text

from shared.config import ENV_NAMES
from shared.testing import TEST_JWT_SECRET, token, unique, wait_for
from shared.testing.compose import compose_default, compose_processes, local_argv
from shared.testing.fixtures import create_database, delete_namespace, migrated_template
from shared.testing.ports import free_ports

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ("intake", "assessment", "referral", "notifications", "quality", "portal")
# The portal reaches each API at the address compose gives it; here, the API's local port.
API_URL_NAMES = {
    "INTAKE_URL": "intake",
    "ASSESSMENT_URL": "assessment",
    "REFERRAL_URL": "referral",
    "NOTIFICATIONS_URL": "notifications",
    "QUALITY_URL": "quality",
}
STOP_TIMEOUT = 20.0
READY_TIMEOUT = 90.0
# Values for the local servers; every other name keeps docker-compose.yml's default.
TEST_SETTINGS = {
    "JWT_SECRET": TEST_JWT_SECRET,
    "PORTAL_SECRET_KEY": "e2e-portal-secret-key-of-at-least-32-bytes",
    "SMS_RECEIPT_SECRET": "e2e-receipt-secret-of-at-least-32-bytes",
    "QUIET_HOURS": "",  # results must not depend on the hour the suite runs
    "GUNICORN_WORKERS": "1",  # two shared cores
    "LOG_LEVEL": "INFO",
}


@dataclass
class Process:
    name: str
    argv: list[str]
    env: dict[str, str]
    log: Path
    port: int | None = None
    popen: subprocess.Popen | None = field(default=None, repr=False)


def _die_with_parent() -> None:
    # Linux: if the test run itself is killed, its children follow instead of lingering.
    # The "parent" is the thread that started the process: start processes from the main
    # thread (or one that outlives them), or they get SIGTERM when that thread ends.
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


class Platform:
    """The running platform: base URLs, tokens, polling, logs, and control over each process."""

    def __init__(
        self,
        postgres_url: str,
        broker_url: str,
        workdir: Path,
        *,
        migrate: bool = True,
        **overrides: str,
    ):
        """migrate=False: each database is a copy of the service's migrated template (see
        shared.testing.fixtures.migrated_template) instead of being migrated by the compose
        file's migration processes; for platforms whose tests are about something else."""
        if not migrate and "?" in postgres_url:
            # Templates are made and copied on one plain server URL; a URL with a query (the
            # hosts of a primary and its standby) gets its schema from the migration processes.
            raise ValueError("migrate=False needs a plain server URL, without a query")
        self.postgres_url = postgres_url
        self.migrate = migrate
        self.broker_url = broker_url
        self.namespace = unique("e2e")
        self.workdir = workdir
        self.settings = {**TEST_SETTINGS, **overrides}
        self.database_urls: dict[str, str] = {}
        self.processes: dict[str, Process] = {}
        self.urls: dict[str, str] = {}
        self.default_gateway: Any = None
        self.ports: dict[str, int] = {}

    # --- what tests use ---------------------------------------------------------------------
    def url(self, service: str, path: str = "") -> str:
        """Return the full URL of a path on a service's API."""
        return self.urls[service] + path

    def token(self, role: str, districts=(), provider_id: str | None = None, sub=None) -> str:
        """Return a bearer token the running services accept."""
        return token(role, districts, provider_id, sub, secret=self.settings["JWT_SECRET"])

    def headers(self, role: str, districts=(), provider_id: str | None = None, sub=None) -> dict:
        """Return an Authorization header for a role."""
        return {"Authorization": f"Bearer {self.token(role, districts, provider_id, sub)}"}

    @staticmethod
    def wait_for(predicate: Callable[[], Any], timeout: float = 30.0, message: str = "it") -> Any:
        """Poll until predicate returns something truthy and return it; fail at the deadline."""
        return wait_for(predicate, timeout, interval=0.1, message=message)

    @property
    def logs(self) -> dict[str, Path]:
        """Return each process's log file."""
        return {name: process.log for name, process in self.processes.items()}

    def log_text(self, name: str) -> str:
        """Return everything a process has logged so far (restarts included)."""
        return self.processes[name].log.read_text(errors="replace")

    def alive(self, name: str) -> bool:
        """Tell whether a process is running."""
        popen = self.processes[name].popen
        return popen is not None and popen.poll() is None

    def kill(self, name: str, signum: int = signal.SIGKILL) -> int:
        """Signal a process (default: kill it outright), wait for it to end, return its code."""
        process = self.processes[name]
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.popen.pid, signum)
        return self._reap(process, STOP_TIMEOUT)

    def stop(self, name: str) -> int:
        """Stop a process the way compose does (SIGTERM, then SIGKILL) and return its code."""
        return self.kill(name, signal.SIGTERM)

    def start(self, name: str) -> None:
        """Start a stopped process again; for an API, wait until it is ready.

        Call it from the main thread: a process dies with the thread that started it.
        """
        assert not self.alive(name), f"{name} is already running"
        self._spawn(self.processes[name])
        if self.processes[name].port:
            self._wait_ready([self.processes[name]])

    def restart(self, name: str, signum: int = signal.SIGTERM) -> None:
        """Stop (or kill, with SIGKILL) a process and start it again."""
        self.kill(name, signum)
        self.start(name)

    # --- lifecycle ---------------------------------------------------------------------------
    def up(self) -> Platform:
        """Create databases, migrate, start four APIs and four workers, wait until ready."""
        self._start_default_gateway()
        self._create_databases()
        specs = compose_processes()
        apis = [n.rsplit("-", 1)[0] for n in specs if n.endswith("-api")]
        self.ports = dict(zip(apis, free_ports(len(apis)), strict=True))
        for name, spec in specs.items():
            self.processes[name] = self._process(name, spec)
        migrations = [p for p in self.processes.values() if p.name.endswith("-migrate")]
        if not self.migrate:
            migrations = []  # the databases are copies of migrated templates
        for process in migrations:
            self._spawn(process)
        for process in migrations:
            code = self._reap(process, READY_TIMEOUT)
            assert code == 0, f"{process.name} failed:\n{self._tail(process)}"
        running = [p for p in self.processes.values() if not p.name.endswith("-migrate")]
        for process in running:
            self._spawn(process)
        self._wait_ready([p for p in running if p.port])
        return self

    def _start_default_gateway(self) -> None:
        """Without a gateway chosen, SMS go to a local stand-in (console is refused here)."""
        if "SMS_GATEWAY" in self.settings:
            return
        from shared.testing.sms_gateway import FakeSmsGateway

        self.default_gateway = FakeSmsGateway(token="platform-stand-in-token").start()
        self.settings.update(
            SMS_GATEWAY="http",
            SMS_HTTP_URL=self.default_gateway.url,
            SMS_HTTP_STATUS_URL=self.default_gateway.status_url,
            SMS_HTTP_TOKEN="platform-stand-in-token",
        )

    def down(self) -> None:
        """Stop every process, drop the databases and delete the broker namespace."""
        live = [p for p in self.processes.values() if p.popen and p.popen.poll() is None]
        for process in live:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.popen.pid, signal.SIGTERM)
        for process in live:
            self._reap(process, STOP_TIMEOUT)
        self._drop_databases()
        delete_namespace(self.broker_url, self.namespace)
        if self.default_gateway is not None:
            self.default_gateway.stop()

    # --- internals ---------------------------------------------------------------------------
    def _process(self, name: str, spec: dict[str, Any]) -> Process:
        service = name.rsplit("-", 1)[0]
        port = self.ports[service] if name.endswith("-api") else None
        env = {k: v for k, v in os.environ.items() if k not in ENV_NAMES}
        for variable, value in spec.get("environment", {}).items():
            env[variable] = self._value(variable, value, service, port)
        env.update(BROKER_NAMESPACE=self.namespace, PYTHONUNBUFFERED="1")
        if port:
            # Overrides only the bind of deploy/gunicorn.conf.py; the rest stays as deployed.
            env["GUNICORN_CMD_ARGS"] = f"--bind 127.0.0.1:{port}"
            self.urls[service] = f"http://127.0.0.1:{port}"
        log = self.workdir / f"{name}.log"
        return Process(name, local_argv(spec["command"]), env, log, port)

    def _value(self, variable: str, value: Any, service: str, port: int | None) -> str:
        if variable == "DATABASE_URL":
            return self.database_urls[service]
        if variable == "BROKER_URL":
            return self.broker_url
        if variable == "PORT":
            return str(port)
        if variable in API_URL_NAMES:
            return f"http://127.0.0.1:{self.ports[API_URL_NAMES[variable]]}"
        if variable in self.settings:
            return self.settings[variable]
        return compose_default(value)

    def _spawn(self, process: Process) -> None:
        with process.log.open("a") as log:
            process.popen = subprocess.Popen(
                process.argv,
                cwd=ROOT,
                env=process.env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=_die_with_parent,
            )

    def _reap(self, process: Process, timeout: float) -> int:
        try:
            return process.popen.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.popen.pid, signal.SIGKILL)
            return process.popen.wait()

    def _wait_ready(self, apis: list[Process]) -> None:
        def ready() -> bool:
            for process in apis:
                assert process.popen.poll() is None, f"{process.name} died:\n{self._tail(process)}"
            return all(_answers_200(f"http://127.0.0.1:{p.port}/readyz") for p in apis)

        wait_for(ready, READY_TIMEOUT, interval=0.2, message="every API's /readyz")

    def _tail(self, process: Process, lines: int = 40) -> str:
        return "\n".join(process.log.read_text(errors="replace").splitlines()[-lines:])

    def _create_databases(self) -> None:
        # A multi-host URL keeps its query (hosts, target_session_attrs) for every database.
        address, _, query = self.postgres_url.partition("?")
        base, query = address.rsplit("/", 1)[0], f"?{query}" if query else ""
        names = {service: f"{self.namespace}_{service}".lower() for service in SERVICES}
        if self.migrate:
            _admin_sql(self.postgres_url, [f'CREATE DATABASE "{n}"' for n in names.values()])
        else:
            for service, name in names.items():
                template = migrated_template(self.postgres_url, service)
                create_database(self.postgres_url, name=name, template=template)
        self.database_urls = {s: f"{base}/{name}{query}" for s, name in names.items()}

    def _drop_databases(self) -> None:
        names = [url.partition("?")[0].rsplit("/", 1)[1] for url in self.database_urls.values()]
        sql = 'DROP DATABASE IF EXISTS "{}" WITH (FORCE)'
        _admin_sql(self.postgres_url, [sql.format(name) for name in names])


def _admin_sql(postgres_url: str, statements: list[str]) -> None:
    admin = create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        for statement in statements:
            connection.execute(text(statement))
    admin.dispose()


def _answers_200(url: str) -> bool:
    try:
        return requests.get(url, timeout=3).status_code == 200
    except requests.RequestException:
        return False


@contextlib.contextmanager
def running_platform(
    postgres_url: str, broker_url: str, workdir: Path, *, migrate: bool = True, **overrides: str
) -> Iterator[Platform]:
    """Run the platform for the duration of a with-block, and always clean up."""
    platform = Platform(postgres_url, broker_url, workdir, migrate=migrate, **overrides)
    try:
        yield platform.up()
    finally:
        platform.down()
