"""Test databases are copied from a migrated template: at the latest schema, each its own."""

from __future__ import annotations

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, text

from shared.migrations import alembic_config
from shared.testing.fixtures import drop_database, migrated_database

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
