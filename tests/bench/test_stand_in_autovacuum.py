"""Where the server's autovacuum is off, the benchmark analyzes the platform's databases."""

from __future__ import annotations

import time
import uuid

import psycopg
import pytest

from bench.pgactivity import StandInAutovacuum

pytestmark = pytest.mark.integration


def _libpq(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def test_a_growing_table_is_analyzed_while_autovacuum_is_off(postgres_url, monkeypatch):
    monkeypatch.setenv("POSTGRES_URL", postgres_url)
    server = _libpq(postgres_url)
    name = f"analyze_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(server, autocommit=True) as admin:
        (autovacuum,) = admin.execute("SHOW autovacuum").fetchone()
        admin.execute(f'CREATE DATABASE "{name}"')
    database = server.rsplit("/", 1)[0] + f"/{name}"
    try:
        with psycopg.connect(database, autocommit=True) as db:
            db.execute("CREATE TABLE handled (id text PRIMARY KEY)")
            db.execute("INSERT INTO handled SELECT g::text FROM generate_series(1, 1000) g")
            urls = {"intake": f"postgresql+psycopg://{database.split('://', 1)[1]}"}
            with StandInAutovacuum(urls, every=0.2) as stand_in:
                assert stand_in.active is (autovacuum != "on")
                if not stand_in.active:
                    return  # the server's own autovacuum analyzes; nothing to stand in for
                deadline = time.monotonic() + 20
                analyzed = None
                while time.monotonic() < deadline and analyzed is None:
                    (analyzed,) = db.execute(
                        "SELECT last_analyze FROM pg_stat_user_tables WHERE relname = 'handled'"
                    ).fetchone()
                    time.sleep(0.1)
            assert analyzed is not None, "the table was never analyzed"
            (rows,) = db.execute(
                "SELECT reltuples FROM pg_class WHERE relname = 'handled'"
            ).fetchone()
            assert rows == 1000  # the planner now knows the table's size
    finally:
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
