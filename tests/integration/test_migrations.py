"""python -m services.X.migrate for every service, on PostgreSQL and SQLite: the schema equals the
models, a second run changes nothing, and the history goes down to nothing and up again."""

import importlib
import os
import subprocess
import sys

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from shared.migrations import alembic_config

# Six services migrated up, down and up again, on two backends: one of the longest files.
pytestmark = [pytest.mark.integration, pytest.mark.long(seconds=25)]

SERVICES = ["intake", "assessment", "referral", "notifications", "quality", "portal"]


def migrate(service: str, database_url: str) -> None:
    env = {**os.environ, "DATABASE_URL": database_url}
    for _ in range(2):
        done = subprocess.run(
            [sys.executable, "-m", f"services.{service}.migrate"],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr


def schema_differences(service: str, database_url: str) -> list:
    models = importlib.import_module(f"services.{service}.models")
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            return compare_metadata(context, models.Base.metadata)
    finally:
        engine.dispose()


def tables(database_url: str) -> set[str]:
    engine = create_engine(database_url)
    try:
        return set(inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


def down_and_up(service: str, database_url: str) -> None:
    config = alembic_config(service, database_url)
    command.downgrade(config, "base")
    assert tables(database_url) == set()
    command.upgrade(config, "head")
    assert schema_differences(service, database_url) == []


@pytest.mark.parametrize("service", SERVICES)
def test_migrate_brings_postgresql_to_the_models(service, make_database):
    url = make_database(f"{service}_migrate")
    migrate(service, url)
    assert schema_differences(service, url) == []
    down_and_up(service, url)


@pytest.mark.parametrize("service", SERVICES)
def test_migrate_brings_sqlite_to_the_models(service, tmp_path):
    url = f"sqlite:///{tmp_path / f'{service}.db'}"
    migrate(service, url)
    assert schema_differences(service, url) == []
    down_and_up(service, url)
