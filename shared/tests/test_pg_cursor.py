"""Cursors build `description` only when read, and what they build is psycopg's own.

SQLAlchemy reads `description` after every statement; for a statement it has run before, it
only asks whether it is None. The services' cursors skip building columns nobody reads; these
tests hold them to psycopg's answer for every kind of result, also read after the cursor has
moved on, and show that rows and column names still come through SQLAlchemy unchanged.
"""

from __future__ import annotations

import psycopg
import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, insert, select, text

from shared.db import Database
from shared.pg_cursor import LazyDescriptionCursor

pytestmark = pytest.mark.integration

STATEMENTS = [
    "SELECT 1 AS one, 'a'::text AS letter, now() AS at, NULL::numeric(5, 2) AS amount",
    "SELECT relname FROM pg_class WHERE false",  # rows expected, none came
    "SELECT",  # a result of rows without columns
    "CREATE TEMP TABLE t (id int, name varchar(20))",
    "INSERT INTO t VALUES (1, 'Фарзона')",
    "INSERT INTO t VALUES (2, 'Гулнора') RETURNING id, name",
    "UPDATE t SET name = 'Зарина' WHERE id = 1",
    "UPDATE t SET name = 'Зарина' WHERE id = 1 RETURNING *",
    "DELETE FROM t WHERE id = 3",
    "SELECT id, name, name AS name FROM t ORDER BY id",
]


def _as_tuples(description):
    return None if description is None else [tuple(column) for column in description]


@pytest.fixture
def connection_url(make_database):
    url = make_database("cursor")
    return url.replace("postgresql+psycopg://", "postgresql://")


def test_the_description_is_psycopgs_for_every_kind_of_result(connection_url):
    with (
        psycopg.connect(connection_url, autocommit=True) as plain,
        psycopg.connect(
            connection_url, autocommit=True, cursor_factory=LazyDescriptionCursor
        ) as lazy,
    ):
        for statement in STATEMENTS:
            theirs, ours = plain.cursor(), lazy.cursor()
            theirs.execute(statement)
            ours.execute(statement)
            expected, got = theirs.description, ours.description
            assert (got is None) == (expected is None), statement
            if expected is not None:
                assert len(got) == len(expected), statement
                assert _as_tuples(got) == _as_tuples(expected), statement
                assert [c.name for c in got] == [c.name for c in expected], statement
                assert [c.type_display for c in got] == [c.type_display for c in expected]


def test_a_description_held_describes_its_own_result_after_the_cursor_moved_on(connection_url):
    with psycopg.connect(connection_url, cursor_factory=LazyDescriptionCursor) as connection:
        cursor = connection.cursor()
        cursor.execute("SELECT 1 AS first_column, 2 AS second_column")
        held = cursor.description  # not read yet
        cursor.execute("SELECT 'x' AS other")
        assert [column.name for column in held] == ["first_column", "second_column"]
        assert held[1].type_code == psycopg.adapters.types["int4"].oid
        assert [column.name for column in cursor.description] == ["other"]


def test_the_services_engines_use_it_and_their_results_are_unchanged(make_database):
    db = Database(make_database("cursor_engine"))
    table = Table(
        "children",
        MetaData(),
        Column("id", Integer, primary_key=True),
        Column("given_name", String(40)),
        Column("district_code", String(20)),
    )
    try:
        table.metadata.create_all(db.engine)
        with db.engine.connect() as connection:
            assert isinstance(connection.connection.cursor(), LazyDescriptionCursor)
        with db.session() as session:
            session.execute(insert(table), [
                {"id": 1, "given_name": "Фарзона", "district_code": "rudaki"},
                {"id": 2, "given_name": "Шаҳло", "district_code": "vahdat"},
            ])  # fmt: skip
        query = select(table.c.given_name, table.c.district_code).where(table.c.id == 2)
        for _again in range(3):  # the first run builds SQLAlchemy's cached metadata; then cached
            with db.session() as session:
                row = session.execute(query).one()
                assert row.given_name == "Шаҳло" and row._mapping["district_code"] == "vahdat"
        with db.session() as session:
            result = session.execute(text("SELECT id AS child, given_name FROM children"))
            assert list(result.keys()) == ["child", "given_name"]
            assert sorted(result.all()) == [(1, "Фарзона"), (2, "Шаҳло")]
    finally:
        db.dispose()
