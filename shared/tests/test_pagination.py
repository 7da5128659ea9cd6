"""Pages carry the right total, and a short last page is not counted again."""

from __future__ import annotations

import pytest
from sqlalchemy import Integer, event, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.db import Database
from shared.pagination import paginate


class Base(DeclarativeBase):
    pass


class Row(Base):
    __tablename__ = "rows"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)


@pytest.fixture
def db(tmp_path):
    database = Database(f"sqlite:///{tmp_path / 'pages.db'}")
    Base.metadata.create_all(database.engine)
    with database.session() as session:
        session.add_all(Row(id=i) for i in range(1, 26))  # 25 rows
    yield database
    database.dispose()


@pytest.mark.parametrize(
    ("page", "page_size", "ids", "counted"),
    [
        (1, 10, list(range(1, 11)), True),  # full: more may follow
        (3, 10, list(range(21, 26)), False),  # short: the last page
        (4, 10, [], True),  # past the end: counted
        (1, 100, list(range(1, 26)), False),  # everything on one page
        (5, 5, list(range(21, 26)), True),  # full last page: cannot tell without counting
    ],
)
def test_every_page_tells_the_total_and_only_uncertain_ones_count(
    db, page, page_size, ids, counted
):
    counts = []
    event.listen(
        db.engine,
        "before_cursor_execute",
        lambda _c, _cur, statement, *_a: counts.append(statement) if "count(" in statement else 0,
    )
    with db.session() as session:
        result = paginate(session, select(Row).order_by(Row.id), page, page_size)
        assert [row.id for row in result["items"]] == ids
    assert result["total"] == 25
    assert (page, page_size) == (result["page"], result["page_size"])
    assert bool(counts) is counted


def test_an_empty_list_has_a_total_of_nought(db):
    with db.session() as session:
        result = paginate(session, select(Row).where(Row.id > 100).order_by(Row.id), 1, 20)
    assert result["items"] == [] and result["total"] == 0
