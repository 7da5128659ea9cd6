"""A psycopg cursor whose `description` builds its columns only when someone reads them.

psycopg builds a `Column` for every column of every result each time `description` is read:
a name decoded, a type looked up. SQLAlchemy reads `description` after every statement, and for
a statement it has run before it only asks whether the description is None: the columns come
from the metadata it cached at the first run. A wide row read by primary key (a provider, a
child) paid for 20-30 columns nobody looked at, on every statement of every request.

Here `description` is None exactly when psycopg's is, and otherwise a sequence that builds
psycopg's own columns, from the result it was read for, the first time it is indexed, iterated
or measured. shared/tests/test_pg_cursor.py holds it to psycopg's on every kind of result.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from psycopg import Column, Cursor
from psycopg.pq import ExecStatus

_ROWS = (ExecStatus.TUPLES_OK, ExecStatus.SINGLE_TUPLE, getattr(ExecStatus, "TUPLES_CHUNK", -1))


class _ResultRead:
    """What psycopg's `Column` reads of a cursor, kept as it was for one result: the cursor
    moves on to the next statement's result while the description is still held."""

    __slots__ = ("pgresult", "_encoding", "adapters")

    def __init__(self, cursor: Cursor[Any]) -> None:
        self.pgresult = cursor.pgresult
        self._encoding = cursor._encoding
        self.adapters = cursor.adapters


class Columns(Sequence[Column]):
    """psycopg's list of `Column`s for one result, built the first time it is read."""

    __slots__ = ("_read", "_count", "_columns")

    def __init__(self, read: _ResultRead, count: int) -> None:
        self._read, self._count = read, count
        self._columns: list[Column] | None = None

    def _built(self) -> list[Column]:
        if self._columns is None:
            self._columns = [Column(self._read, i) for i in range(self._count)]  # type: ignore[arg-type]
            self._read = None  # type: ignore[assignment]  # the result is let go
        return self._columns

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, index: Any) -> Any:
        return self._built()[index]

    def __iter__(self) -> Iterator[Column]:
        return iter(self._built())

    def __eq__(self, other: object) -> bool:
        return list(self._built()) == other

    def __repr__(self) -> str:
        return repr(self._built())


class LazyDescriptionCursor(Cursor):
    """psycopg's client-side cursor, its `description` built only when read."""

    @property
    def description(self) -> Columns | None:  # type: ignore[override]
        result = self.pgresult
        if result and (result.nfields or result.status in _ROWS):
            return Columns(_ResultRead(self), result.nfields)
        return None
