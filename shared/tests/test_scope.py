"""A caller sees the rows of their own districts; an admin sees every district."""

from sqlalchemy import Column, MetaData, String, Table, create_engine, insert, select

from shared.auth import Principal
from shared.scope import district_set, in_districts

ROWS = Table("rows", MetaData(), Column("id", String), Column("district_code", String))


def _seen(principal: Principal) -> list[str]:
    engine = create_engine("sqlite://")
    ROWS.metadata.create_all(engine)
    with engine.begin() as connection:
        connection.execute(
            insert(ROWS),
            [
                {"id": "a", "district_code": "rudaki"},
                {"id": "b", "district_code": "vahdat"},
                {"id": "c", "district_code": "murghob"},
            ],
        )
        query = in_districts(select(ROWS.c.id), ROWS.c.district_code, principal)
        return sorted(connection.scalars(query))


def test_a_district_worker_sees_only_their_districts():
    worker = Principal("w", "case_manager", ("rudaki", "murghob"))
    assert _seen(worker) == ["a", "c"]
    assert district_set(worker) == frozenset({"rudaki", "murghob"})
    assert worker.covers_district("rudaki") and not worker.covers_district("vahdat")


def test_a_caller_without_districts_sees_nothing_and_an_admin_everything():
    assert _seen(Principal("p", "phw", ())) == []
    admin = Principal("x", "admin", ())
    assert _seen(admin) == ["a", "b", "c"]
    assert district_set(admin) is None and admin.covers_district("vahdat")
