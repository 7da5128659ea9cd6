"""Test databases are copied from a migrated template: at the latest schema, each its own; one
a test gave back is lent again only emptied and unchanged."""

from __future__ import annotations

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, text

from shared.migrations import alembic_config
from shared.testing.fixtures import (
    drop_database,
    give_back_database,
    lend_migrated_database,
    migrated_database,
)

pytestmark = pytest.mark.integration


def _head(service: str, url: str) -> str:
    return ScriptDirectory.from_config(alembic_config(service, url)).get_current_head()


def _version_and_tables(url: str) -> tuple[str, set[str]]:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            version = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
        return version, set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


@pytest.mark.parametrize("service", ["intake", "referral"])
def test_a_copied_database_is_at_the_latest_migration(postgres_url, service):
    url = migrated_database(postgres_url, service)
    try:
        version, tables = _version_and_tables(url)
        assert version == _head(service, url)
        assert {"outbox", "processed_events"} & tables
    finally:
        drop_database(postgres_url, url)


def test_rows_written_in_one_copy_are_not_in_the_next(postgres_url):
    first = migrated_database(postgres_url, "intake")
    try:
        engine = create_engine(first)
        with engine.begin() as connection:
            connection.execute(text("CREATE TABLE scratch (n int)"))
        engine.dispose()
        second = migrated_database(postgres_url, "intake")
        try:
            assert "scratch" not in _version_and_tables(second)[1]
        finally:
            drop_database(postgres_url, second)
    finally:
        drop_database(postgres_url, first)


def _execute(url: str, *statements: str) -> None:
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            for statement in statements:
                connection.execute(text(statement))
    finally:
        engine.dispose()


def _exists(postgres_url: str, url: str) -> bool:
    engine = create_engine(postgres_url)
    try:
        with engine.connect() as connection:
            name = url.rsplit("/", 1)[1]
            query = text("SELECT 1 FROM pg_database WHERE datname = :n")
            return connection.execute(query, {"n": name}).first() is not None
    finally:
        engine.dispose()


def test_a_database_given_back_is_lent_again_empty(postgres_url):
    first = lend_migrated_database(postgres_url, "intake")
    _execute(
        first,
        "INSERT INTO processed_events (event_id, event_type, handled_at)"
        " VALUES ('e-1', 'child.registered', now())",
    )
    # A connection the test left in an open transaction, holding a lock on the table, is
    # disconnected: it neither keeps the rows nor blocks the emptying.
    leftover = create_engine(first).connect()
    leftover.execute(text("SELECT count(*) FROM processed_events"))
    give_back_database(postgres_url, "intake", first)
    second = lend_migrated_database(postgres_url, "intake")
    try:
        assert second == first
        engine = create_engine(second)
        with engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM processed_events")).scalar() == 0
        engine.dispose()
        assert _version_and_tables(second)[0] == _head("intake", second)
    finally:
        leftover.invalidate()
        drop_database(postgres_url, second)


@pytest.mark.parametrize(
    "change",
    [
        "CREATE TABLE scratch (n int)",
        "ALTER TABLE processed_events ADD COLUMN extra int",
        "DROP INDEX ix_outbox_unsent",
        "UPDATE alembic_version SET version_num = 'elsewhere'",
    ],
)
def test_a_database_whose_schema_a_test_changed_is_dropped_not_lent(postgres_url, change):
    first = lend_migrated_database(postgres_url, "intake")
    _execute(first, change)
    give_back_database(postgres_url, "intake", first)
    second = lend_migrated_database(postgres_url, "intake")
    try:
        assert second != first
        assert not _exists(postgres_url, first)
        assert "scratch" not in _version_and_tables(second)[1]
    finally:
        drop_database(postgres_url, second)


def test_a_database_closed_to_connections_is_dropped_not_lent(postgres_url):
    first = lend_migrated_database(postgres_url, "intake")
    name = first.rsplit("/", 1)[1]
    _execute(postgres_url, f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
    give_back_database(postgres_url, "intake", first)
    assert not _exists(postgres_url, first)
