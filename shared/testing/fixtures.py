"""pytest fixtures for real PostgreSQL and RabbitMQ, per-test databases and broker namespaces.

Servers come from POSTGRES_URL / RABBITMQ_URL when set, else the local servers when they answer,
else testcontainers when a Docker engine exists. With CI=true a missing server fails the run.
Elsewhere a service harness asked for the real servers runs on the embedded backend (SQLite and
the file-system broker) instead, and the session's summary says how many did; the few tests that
need a server itself (its SQL, its broker's behaviour) are skipped with the reason.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import MetaData, Table, create_engine, text
from sqlalchemy.pool import NullPool

from shared.db import Database
from shared.messaging.connection import connect
from shared.messaging.topology import Names, Topology
from shared.migrations import upgrade
from shared.outbox import outbox_table
from shared.testing import (
    DEFAULT_POSTGRES_URL,
    DEFAULT_RABBITMQ_URL,
    TEST_JWT_SECRET,
    TEST_RECEIPT_SECRET,
    docker_available,
    unique,
    url_answers,
)
from shared.testing.harness import ServiceHarness

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")

# Harnesses that ran on the embedded backend because no server answered (reported at the end).
EMBEDDED_INSTEAD: list[str] = []


def servers_answer() -> bool:
    """True when PostgreSQL and RabbitMQ answer, or testcontainers can start them."""
    postgres = os.environ.get("POSTGRES_URL") or DEFAULT_POSTGRES_URL
    rabbitmq = os.environ.get("RABBITMQ_URL") or DEFAULT_RABBITMQ_URL
    return (url_answers(postgres, 5432) and url_answers(rabbitmq, 5672)) or docker_available()


def pytest_sessionfinish(session: Any) -> None:
    drop_spare_databases()


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if EMBEDDED_INSTEAD:
        terminalreporter.write_line(
            f"{len(EMBEDDED_INSTEAD)} service harness(es) ran on the embedded backend (SQLite "
            "and the file-system broker): no PostgreSQL or RabbitMQ answered. Set POSTGRES_URL "
            "and RABBITMQ_URL to run them on the real servers.",
            yellow=True,
        )


def _unavailable(what: str) -> None:
    message = f"{what} is not reachable (set its URL, start it, or run a Docker engine)"
    if IN_CI:
        pytest.fail(f"CI: {message}", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A PostgreSQL server URL (the maintenance database) for creating test databases."""
    url = os.environ.get("POSTGRES_URL") or DEFAULT_POSTGRES_URL
    if url_answers(url, 5432):
        yield url
        return
    if docker_available():
        from testcontainers.postgres import PostgresContainer

        with PostgresContainer("postgres:16", driver="psycopg") as container:
            yield container.get_connection_url()
        return
    _unavailable("PostgreSQL")


@pytest.fixture(scope="session")
def rabbitmq_url() -> Iterator[str]:
    """A RabbitMQ server URL."""
    url = os.environ.get("RABBITMQ_URL") or DEFAULT_RABBITMQ_URL
    if url_answers(url, 5672):
        yield url
        return
    if docker_available():
        from testcontainers.rabbitmq import RabbitMqContainer

        with RabbitMqContainer("rabbitmq:3.13") as container:
            params = container.get_connection_params()
            yield f"amqp://guest:guest@{params.host}:{params.port}//"
        return
    _unavailable("RabbitMQ")


def create_database(
    postgres_url: str, prefix: str = "t", template: str = "template1", name: str | None = None
) -> str:
    """Create a fresh database on the server (a copy of the template) and return its URL."""
    name = name or unique(prefix).lower()
    admin = create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(_create_sql(connection, name, template)))
    finally:
        admin.dispose()
    return f"{postgres_url.rsplit('/', 1)[0]}/{name}"


def _create_sql(connection: Any, name: str, template: str) -> str:
    """CREATE DATABASE copying the template's files (PostgreSQL 15+).

    The default since PostgreSQL 15 writes every page of the template to the WAL: about 95 ms
    of the server's CPU per test database here, against 35 ms for a file copy.
    """
    sql = f'CREATE DATABASE "{name}" TEMPLATE "{template}"'
    if connection.dialect.server_version_info >= (15,):
        sql += " STRATEGY FILE_COPY"
    return sql


def migrated_database(postgres_url: str, service: str) -> str:
    """Create a fresh database at the service's latest schema and return its URL.

    It is copied from a template database migrated once per version of the service's migrations
    (`CREATE DATABASE ... TEMPLATE`), which costs a test a fraction of running Alembic again.
    """
    return create_database(postgres_url, service, migrated_template(postgres_url, service))


_TEMPLATES: dict[tuple[str, str], str] = {}


def migrated_template(postgres_url: str, service: str) -> str:
    """Return the name of the service's migrated template, making it first if it is missing.

    The name carries a digest of the migrations, so a changed migration gets a new template;
    parallel test workers and concurrent runs make it once, under an advisory lock, and it
    appears under its name only when complete (built under another name, then renamed).
    """
    key = (postgres_url, service)
    if key in _TEMPLATES:
        return _TEMPLATES[key]
    name = f"template_{service}_{_migrations_digest(service)}"
    admin = create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text("SELECT pg_advisory_lock(hashtext(:n))"), {"n": name})
            try:
                exists = connection.execute(
                    text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}
                ).first()
                if not exists:
                    _build_template(postgres_url, connection, service, name)
            finally:
                connection.execute(text("SELECT pg_advisory_unlock(hashtext(:n))"), {"n": name})
    finally:
        admin.dispose()
    _TEMPLATES[key] = name
    return name


def _build_template(postgres_url: str, connection: Any, service: str, name: str) -> None:
    building = f"{name}_building"
    connection.execute(text(f'DROP DATABASE IF EXISTS "{building}" WITH (FORCE)'))
    connection.execute(text(f'CREATE DATABASE "{building}"'))
    upgrade(service, f"{postgres_url.rsplit('/', 1)[0]}/{building}")
    connection.execute(text(f'ALTER DATABASE "{building}" RENAME TO "{name}"'))
    # Nobody connects to a template: a connection would make copying it fail.
    options = "IS_TEMPLATE true ALLOW_CONNECTIONS false"
    connection.execute(text(f'ALTER DATABASE "{name}" WITH {options}'))
    # Templates of this service's earlier migrations are no longer used (best effort: another
    # run may still be copying one).
    stale = connection.execute(
        text("SELECT datname FROM pg_database WHERE datname LIKE :p AND datname <> :n"),
        {"p": f"template\\_{service}\\_%", "n": name},
    ).scalars()
    for old in list(stale):
        try:
            connection.execute(text(f'ALTER DATABASE "{old}" WITH IS_TEMPLATE false'))
            connection.execute(text(f'DROP DATABASE IF EXISTS "{old}"'))
        except Exception:  # in use: left for the next run to drop
            pass


def _migrations_digest(service: str) -> str:
    """A short digest of a service's migration files and the shared migration code."""
    root = Path(__file__).resolve().parents[2]
    files = sorted((root / "services" / service / "migrations").rglob("*.py"))
    digest = hashlib.sha256()
    for path in [*files, root / "shared" / "migrations.py"]:
        digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


# Databases at a service's latest schema that a finished test of this process left empty, kept
# for its next test: emptying one costs PostgreSQL a few milliseconds, copying the template a
# forced checkpoint and about 8 MB of files. Each xdist worker has its own.
_SPARE: dict[tuple[str, str], list[str]] = {}
# What a fresh copy of each template looks like (schema, database settings, migration version):
# a database is lent again only when it still looks like that.
_FRESH: dict[tuple[str, str], str] = {}
# Everything a test could change about a database besides its rows.
_FINGERPRINT_SQL = """
SELECT md5(string_agg(item, '|' ORDER BY item)) FROM (
    SELECT 'c:' || c.relname || ':' || c.relkind::text || ':' || a.attname || ':'
           || format_type(a.atttypid, a.atttypmod) || ':' || a.attnotnull
           || ':' || coalesce(pg_get_expr(d.adbin, d.adrelid), '') AS item
      FROM pg_class c
      JOIN pg_namespace n ON n.oid = c.relnamespace
      JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
      LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
     WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
    UNION ALL SELECT 'k:' || conname || ':' || pg_get_constraintdef(oid) FROM pg_constraint
     WHERE connamespace NOT IN ('pg_catalog'::regnamespace, 'information_schema'::regnamespace)
    UNION ALL SELECT 'i:' || indexdef FROM pg_indexes
     WHERE schemaname NOT IN ('pg_catalog', 'information_schema')
    UNION ALL SELECT 't:' || tgname || ':' || tgenabled::text FROM pg_trigger WHERE NOT tgisinternal
    UNION ALL SELECT 'n:' || nspname FROM pg_namespace
    UNION ALL SELECT 'f:' || proname FROM pg_proc
     WHERE pronamespace NOT IN ('pg_catalog'::regnamespace, 'information_schema'::regnamespace)
    UNION ALL SELECT 'v:' || version_num FROM alembic_version
    UNION ALL SELECT 'd:' || datallowconn || ':' || datconnlimit || ':' || datistemplate
      FROM pg_database WHERE datname = current_database()
    UNION ALL SELECT 's:' || array_to_string(setconfig, ',') FROM pg_db_role_setting
     WHERE setdatabase = (SELECT oid FROM pg_database WHERE datname = current_database())
) AS everything
"""


def lend_migrated_database(postgres_url: str, service: str) -> str:
    """Return an empty database at the service's latest schema, for one test.

    A database an earlier test of this process gave back (and that was emptied) when there is
    one, else a new copy of the template. Give it back with give_back_database.
    """
    key = (postgres_url, service)
    spare = _SPARE.get(key)
    if spare:
        return spare.pop()
    url = migrated_database(postgres_url, service)
    if key not in _FRESH:
        try:
            _FRESH[key] = _fingerprint(url)
        except Exception:
            drop_database(postgres_url, url)  # not left behind on the server
            raise
    return url


def give_back_database(postgres_url: str, service: str, database_url: str) -> None:
    """Empty a lent database for the next test, or drop it when it cannot be trusted to be as new.

    Whoever is still connected is disconnected first (as DROP DATABASE ... WITH (FORCE) would);
    a database whose schema, settings or migration version a test changed is dropped.
    """
    try:
        if _emptied(database_url, _FRESH[(postgres_url, service)]):
            _SPARE.setdefault((postgres_url, service), []).append(database_url)
            return
    except Exception:  # unreachable, locked, changed: a fresh copy next time
        pass
    drop_database(postgres_url, database_url)


def drop_spare_databases() -> None:
    """Drop the databases kept for later tests (at the end of the session)."""
    for (postgres_url, _service), urls in _SPARE.items():
        for url in urls:
            with contextlib.suppress(Exception):
                drop_database(postgres_url, url)
    _SPARE.clear()


def _fingerprint(database_url: str) -> str:
    engine = create_engine(database_url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            return _fingerprint_on(connection)
    finally:
        engine.dispose()


def _fingerprint_on(connection: Any) -> str:
    return connection.execute(text(_FINGERPRINT_SQL)).scalar_one()


def _emptied(database_url: str, fresh: str) -> bool:
    engine = create_engine(database_url, poolclass=NullPool)
    try:
        with engine.begin() as connection:
            connection.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            )
            if _fingerprint_on(connection) != fresh:
                return False
            tables = (
                connection.execute(
                    text(
                        "SELECT format('%I.%I', schemaname, tablename) FROM pg_tables"
                        " WHERE schemaname NOT IN ('pg_catalog', 'information_schema')"
                        " AND tablename <> 'alembic_version'"
                    )
                )
                .scalars()
                .all()
            )
            # Backends just terminated may hold their locks a moment longer.
            connection.execute(text("SET LOCAL lock_timeout = '5s'"))
            if tables:
                connection.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
            return True
    finally:
        engine.dispose()


def drop_database(postgres_url: str, database_url: str) -> None:
    """Drop a database made by create_database, disconnecting whoever still uses it."""
    name = database_url.rsplit("/", 1)[1]
    admin = create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def make_database(postgres_url: str) -> Iterator[Callable[[str], str]]:
    """Create fresh PostgreSQL databases for this test; dropped afterwards."""
    created: list[str] = []

    def _make(prefix: str = "t") -> str:
        created.append(create_database(postgres_url, prefix))
        return created[-1]

    yield _make
    for url in created:
        drop_database(postgres_url, url)


@pytest.fixture
def outbox_database(make_database: Callable[[str], str]) -> Iterator[tuple[Database, Table]]:
    """A fresh PostgreSQL database holding only an outbox table: (database, table)."""
    db = Database(make_database("outbox"))
    table = outbox_table(MetaData())
    table.metadata.create_all(db.engine)
    yield db, table
    db.dispose()


def delete_namespace(
    broker_url: str, namespace: str, retry_delays: tuple[float, ...] = (1.0, 5.0, 30.0)
) -> None:
    """Delete every queue and exchange of a test namespace."""
    topology = Topology(namespace, retry_delays=retry_delays)
    names = Names(namespace)
    connection = connect(broker_url)
    try:
        channel = connection.channel()
        for queue in topology.all_queues():
            channel.queue_delete(queue.name)
        for exchange in (
            names.events,
            names.dead_exchange,
            names.retry_exchange,
            names.requeue_exchange,
        ):
            channel.exchange_delete(exchange)
    except Exception:
        pass
    finally:
        connection.release()


@pytest.fixture
def broker_namespace(rabbitmq_url: str) -> Iterator[str]:
    """A unique exchange/queue prefix for this test on the real broker; deleted afterwards."""
    namespace = unique("t")
    yield namespace
    delete_namespace(rabbitmq_url, namespace)


def by_convention(service: str) -> dict[str, Any]:
    """A service's pieces found by their names: bootstrap, app factory, handlers and timers."""
    bootstrap = importlib.import_module(f"services.{service}.bootstrap")
    app = importlib.import_module(f"services.{service}.app")
    handlers = importlib.import_module(f"services.{service}.handlers")
    return {
        "runtime_from": bootstrap.runtime_from,
        "create_app": app.create_app,
        "handlers": handlers.HANDLERS,
        "timers": getattr(handlers, "TIMERS", []),
    }


@pytest.fixture
def service_harness(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[Callable[..., ServiceHarness]]:
    """Build a service (runtime, app, test client, worker) on real or embedded servers.

    service_harness("intake") wires a service by convention: its `bootstrap.runtime_from`,
    `app.create_app` and `handlers.HANDLERS`/`TIMERS` under `services.<name>`. Any piece may be
    handed in instead (a runtime_from with a test gateway, no timers, …):
    service_harness(service, runtime_from=None, create_app=None, handlers=None, timers=None,
    backend="real"|"embedded", clock=None, env={...})

    backend="real" means PostgreSQL and RabbitMQ; when neither answers outside CI, the harness
    runs on the embedded backend instead of skipping (in CI a missing server fails the run).
    """
    namespaces: dict[str, str] = {}

    def _make(
        service: str,
        runtime_from: Callable | None = None,
        create_app: Callable | None = None,
        handlers: dict | None = None,
        timers: list | None = None,
        backend: str = "real",
        clock: Any = None,
        env: dict[str, str] | None = None,
        namespace: str | None = None,
    ) -> ServiceHarness:
        config: dict[str, Any] = {
            "JWT_SECRET": TEST_JWT_SECRET,
            "SMS_RECEIPT_SECRET": TEST_RECEIPT_SECRET,
            "RETRY_DELAYS": "0.2,0.5",
            **(env or {}),
        }
        if backend == "real" and not IN_CI and not servers_answer():
            backend = "embedded"
            EMBEDDED_INSTEAD.append(request.node.nodeid)
        if backend == "real":
            postgres_url = request.getfixturevalue("postgres_url")
            broker = request.getfixturevalue("rabbitmq_url")
            if namespace is None:
                namespace = namespaces.setdefault("default", unique("t"))
            config.update(
                DATABASE_URL=lend_migrated_database(postgres_url, service),
                BROKER_URL=broker,
                BROKER_NAMESPACE=namespace,
            )
        else:
            config.update(
                DATABASE_URL=f"sqlite:///{tmp_path / (service + '.db')}",
                BROKER_URL=f"filesystem://{tmp_path / 'broker'}",
            )
        conventional = by_convention(service)
        harness = ServiceHarness(
            service,
            runtime_from or conventional["runtime_from"],
            create_app or conventional["create_app"],
            conventional["handlers"] if handlers is None else handlers,
            # Handed-in handlers come without timers unless timers are handed in too.
            timers if timers is not None else conventional["timers"] if handlers is None else [],
            config,
            clock,
            migrate=backend != "real",
        )
        if backend == "real":
            request.addfinalizer(
                lambda: give_back_database(postgres_url, service, config["DATABASE_URL"])
            )
        # Finalizers run last in, first out: the worker stops before its database is dropped.
        request.addfinalizer(harness.close)
        return harness

    yield _make
    if namespaces:
        broker = request.getfixturevalue("rabbitmq_url")
        for namespace in namespaces.values():
            delete_namespace(broker, namespace, (0.2, 0.5))
