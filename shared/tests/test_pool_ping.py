"""A pooled connection is asked whether the server still answers only after it sat idle.

Asking before every transaction was a round trip each time: 2-5% of a busy process's CPU, for
connections that had been in use milliseconds before. A connection that sat idle is still
asked, and one the server dropped meanwhile is replaced before any statement runs on it.
"""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from shared.db import Database

pytestmark = pytest.mark.integration


@pytest.fixture
def open_database(make_database):
    made: list[Database] = []

    def _open(ping_after_idle: float) -> Database:
        made.append(Database(make_database("ping"), ping_after_idle=ping_after_idle, pool_size=1))
        return made[-1]

    yield _open
    for database in made:
        database.dispose()


def _backend(db: Database) -> int:
    with db.session() as session:
        return session.execute(text("SELECT pg_backend_pid()")).scalar_one()


def _drop(postgres_url: str, pid: int) -> None:
    """What a server restart or a failover does to a pooled connection."""
    admin = create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            assert connection.execute(
                text("SELECT pg_terminate_backend(:pid, 5000)"), {"pid": pid}
            ).scalar_one()
    finally:
        admin.dispose()


def _counting_pings(db: Database, monkeypatch) -> list[int]:
    pings: list[int] = []
    real = db.engine.dialect.do_ping

    def _ping(dbapi_connection):
        pings.append(1)
        return real(dbapi_connection)

    monkeypatch.setattr(db.engine.dialect, "do_ping", _ping)
    return pings


def test_an_idle_connection_the_server_dropped_is_replaced_before_use(open_database, postgres_url):
    db = open_database(ping_after_idle=0.0)
    first = _backend(db)
    _drop(postgres_url, first)
    assert _backend(db) != first  # no error: the dead connection never ran a statement


def test_a_connection_used_moments_ago_is_not_asked_and_the_pool_recovers_from_its_loss(
    open_database, postgres_url
):
    db = open_database(ping_after_idle=3600.0)
    first = _backend(db)
    _drop(postgres_url, first)
    # The statement in flight fails, as it would had the server gone away during it...
    with pytest.raises(OperationalError):
        _backend(db)
    # ...and the pool has let the dead connection go: the next transaction works.
    assert _backend(db) != first


def test_only_a_connection_that_sat_idle_costs_a_round_trip(open_database, monkeypatch):
    busy = open_database(ping_after_idle=3600.0)
    busy_pings = _counting_pings(busy, monkeypatch)
    assert len({_backend(busy) for _ in range(5)}) == 1
    assert busy_pings == []

    idle = open_database(ping_after_idle=0.0)
    idle_pings = _counting_pings(idle, monkeypatch)
    assert len({_backend(idle) for _ in range(5)}) == 1
    assert len(idle_pings) == 4  # a connection just opened is not asked
