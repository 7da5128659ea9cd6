"""python -m services.assessment.migrate on PostgreSQL and SQLite: latest schema, safe to repeat."""

import os
import subprocess
import sys

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine

from services.assessment.models import Base

pytestmark = pytest.mark.integration


def migrate(database_url: str) -> None:
    env = {**os.environ, "DATABASE_URL": database_url}
    for _ in range(2):
        done = subprocess.run(
            [sys.executable, "-m", "services.assessment.migrate"],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr


def schema_differences(database_url: str) -> list:
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            return compare_metadata(context, Base.metadata)
    finally:
        engine.dispose()


def test_migrate_brings_postgresql_to_the_models(make_database):
    url = make_database("assessment_migrate")
    migrate(url)
    assert schema_differences(url) == []


def test_migrate_brings_sqlite_to_the_models(tmp_path):
    url = f"sqlite:///{tmp_path / 'assessment.db'}"
    migrate(url)
    assert schema_differences(url) == []
