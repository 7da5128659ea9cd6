"""Database access: one engine per service, short transactions, SQLite and PostgreSQL alike."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy import (
    DateTime,
    Select,
    TypeDecorator,
    bindparam,
    create_engine,
    event,
    inspect,
    select,
    text,
)
from sqlalchemy.engine import Engine
from sqlalchemy.exc import InvalidatePoolError
from sqlalchemy.orm import Session, SessionTransaction, sessionmaker

from shared.outbox_writes import attach_outbox_writes
from shared.pg_cursor import LazyDescriptionCursor

T = TypeVar("T")


def _sqlite_hooks(engine: Engine) -> None:
    """Make SQLite behave under several processes: WAL, a busy timeout, write-locking BEGIN."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # let SQLAlchemy emit BEGIN itself
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # IMMEDIATE takes the write lock up front: two processes never read the same outbox
        # rows or timer rows at once, and a read-then-write never fails half-way with BUSY.
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def _columns_when_read(engine: Engine) -> None:
    """Give every new connection cursors whose `description` is built only when read: a
    statement run before reads its columns from SQLAlchemy's cache (shared/pg_cursor.py)."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        if hasattr(dbapi_connection, "cursor_factory"):  # psycopg 3
            dbapi_connection.cursor_factory = LazyDescriptionCursor


# A pooled connection back from use within this many seconds is taken without asking the
# server first. Under load every connection comes back within milliseconds, and asking at
# each checkout was a round trip per transaction (2-5% of a process's CPU). A server that went
# away in that second fails the statement in flight instead: the pool then replaces all its
# connections, and the request answers 503 or the worker holds its batch, as for any outage.
PING_AFTER_IDLE = 1.0
_RETURNED = "returned_at"  # connection record info: when the connection came back to the pool


def _ping_when_idle(engine: Engine, idle_seconds: float) -> None:
    """Ask the server before handing out a connection that sat in the pool `idle_seconds` or
    more; one that does not answer is replaced, with every connection pooled before it."""

    @event.listens_for(engine, "checkin")
    def _returned(dbapi_connection: Any, record: Any) -> None:
        if dbapi_connection is not None and record is not None:
            record.info[_RETURNED] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _taken(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        returned = record.info.get(_RETURNED)  # none on a connection just opened
        if returned is None or time.monotonic() - returned < idle_seconds:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception as exc:
            raise InvalidatePoolError("a pooled connection no longer answers") from exc


# session.info key: writes put off until the transaction commits or a savepoint begins.
_DEFERRED = "deferred_writes"


def defer_write(session: Session, key: Any, write: Callable[[Session], None]) -> bool:
    """Have `write(session)` run once, before the transaction commits or before a savepoint
    begins in it, whichever comes first; registered again under the same key, it runs once.

    A consumer's batch writes one row per child this way in one statement, instead of one
    statement per child. Whatever reads those rows before then must be given them by the
    caller; a savepoint reads them from the database, where they are by then. False when
    the session is not one of ours: the caller writes at once.
    """
    if not session.info.get(_TRACKED) or session.get_nested_transaction() is not None:
        return False
    session.info.setdefault(_DEFERRED, {})[key] = write
    return True


def deferred(session: Session, key: Any) -> Callable[[Session], None] | None:
    """The write `defer_write` holds under `key`, while it waits to run in this transaction."""
    return session.info.get(_DEFERRED, {}).get(key)


def write_deferred(session: Session) -> None:
    """Run the writes `defer_write` put off, now (a savepoint beginning does this itself)."""
    writes = session.info.pop(_DEFERRED, None)
    for write in (writes or {}).values():
        write(session)


class _Session(Session):
    """A session whose deferred writes (`defer_write`) land before any savepoint begins: a
    savepoint rolled back never takes them with it."""

    def begin_nested(self) -> SessionTransaction:
        write_deferred(self)
        return super().begin_nested()


class Database:
    """An engine and a session factory for one service's own database."""

    def __init__(
        self, url: str, *, ping_after_idle: float = PING_AFTER_IDLE, **engine_options: Any
    ) -> None:
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        # Statement parameters (names, phones) never appear in errors or logs.
        options: dict[str, Any] = {"future": True, "hide_parameters": True, **engine_options}
        if self.is_sqlite:
            options.setdefault("connect_args", {"check_same_thread": False, "timeout": 30})
        else:
            options.setdefault("pool_size", 5)
            options.setdefault("max_overflow", 10)
            options.setdefault("pool_timeout", 5)
            options.setdefault("connect_args", {"connect_timeout": 3})
        self.engine = create_engine(url, **options)
        if self.is_sqlite:
            _sqlite_hooks(self.engine)
        else:
            _columns_when_read(self.engine)
            if not options.get("pool_pre_ping"):
                _ping_when_idle(self.engine, ping_after_idle)
        self.sessions = sessionmaker(
            self.engine,
            class_=_Session,
            expire_on_commit=False,
            future=True,
            info={_TRACKED: True},
        )
        event.listen(self.sessions, "before_commit", write_deferred)
        # Events emitted in a transaction are written as it commits (shared/outbox_writes.py).
        attach_outbox_writes(self.sessions)
        _keep_rows_read(self.sessions)

    @contextlib.contextmanager
    def session(self) -> Iterator[Session]:
        """A session in one transaction: committed on success, rolled back on any error."""
        session = self.sessions()
        try:
            with session.begin():
                yield session
        finally:
            session.close()

    def ping(self) -> None:
        """Raise unless the database answers."""
        with self.engine.connect() as connection:
            connection.execute(text("SELECT 1"))

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()


_READ = "rows_read"
# session.info key: (model, key) of rows `read_rows_ahead` found missing, until the tx ends.
_ABSENT = "rows_absent"
# The rows each transaction added, by model: looked through for rows not written yet.
_ADDED = "rows_added"
_TRACKED = "tracks_rows_added"  # a session of ours, whose added rows `_ADDED` holds


def _keep_rows_read(sessions: sessionmaker) -> None:
    """Keep every row a transaction has read until the transaction ends.

    The session finds a row it already holds by its key without asking the database, but it
    holds unchanged rows only weakly: a row one function read and let go was read again by the
    next (the provider locked to accept a referral, then shown in the answer). Every session
    here lasts one transaction, so the rows go with it.

    A row read again under a lock (FOR UPDATE) is refreshed: what a transaction decides under
    a lock it decides on the row as it is now, not as an earlier read left it.
    """

    @event.listens_for(sessions, "loaded_as_persistent")
    def _keep(session: Session, instance: Any) -> None:
        session.info.setdefault(_READ, []).append(instance)

    # A row this transaction added and flushed is held too: found again without a query, and
    # never taken for missing after `read_rows_ahead` found it missing.
    event.listen(sessions, "pending_to_persistent", _keep)

    @event.listens_for(sessions, "transient_to_pending")
    def _added(session: Session, instance: Any) -> None:
        added = session.info.setdefault(_ADDED, {})
        added.setdefault(type(instance), []).append(instance)

    @event.listens_for(sessions, "after_transaction_end")
    def _let_go(session: Session, transaction: Any) -> None:
        if transaction.parent is None:
            session.info.pop(_DEFERRED, None)  # rolled back: never written
            session.info.pop(_READ, None)
            session.info.pop(_ABSENT, None)
            session.info.pop(_ADDED, None)

    @event.listens_for(sessions, "do_orm_execute")
    def _fresh_under_lock(state: Any) -> None:
        if state.is_select and getattr(state.statement, "_for_update_arg", None) is not None:
            state.update_execution_options(populate_existing=True)


def read_rows_ahead(session: Session, model: type[Any], keys: Iterable[Any]) -> None:
    """Read the rows of `model` with these primary keys in one query, for `get_unflushed`.

    A consumer's batch handles many children's events: reading each child's row one event at
    a time is one statement per event. Read ahead, the rows are held until the transaction
    ends, and `get_unflushed` also knows, without asking again, which of them do not exist.
    Only for rows a concurrent transaction cannot add meanwhile (the caller holds the lock
    their writers take); a row added all the same is found missing when inserted again, and
    the batch is then handled one event at a time. Single-column primary keys only.
    """
    mapper = inspect(model)
    (column,) = mapper.primary_key
    wanted = {key for key in keys if key is not None}
    wanted -= {key for key in wanted if held(session, model, key) is not None}
    if not wanted:
        return
    name = mapper.get_property_by_column(column).key
    with session.no_autoflush:
        found = {
            getattr(row, name)
            for row in session.scalars(select(model).where(column.in_(sorted(wanted))))
        }
    absent = session.info.setdefault(_ABSENT, set())
    absent.update((model, key) for key in wanted - found)


def held(session: Session, model: type[Any], key: Any) -> Any:
    """The row of this primary key the session holds, added in this transaction or read, if
    any: without asking the database. A statement that changes the row without the ORM must
    not run while the session holds it, or the session's copy and the row disagree."""
    pending = _pending(session, model, key)
    return pending if pending is not None else _in_identity_map(session, model, key)


def _in_identity_map(session: Session, model: type[Any], key: Any) -> Any:
    """The row of this key the session holds as read or written, without asking the database."""
    identity = inspect(model).identity_key_from_primary_key(
        key if isinstance(key, tuple) else (key,)
    )
    return session.identity_map.get(identity)


def get_unflushed(session: Session, model: type[T], key: Any) -> T | None:
    """Session.get without flushing first: a row by primary key, also one added in this
    transaction and not yet written. A consumer's batch then writes its rows together at
    commit instead of flushing before every event's first look-up.

    Rows added in this transaction are looked at first: a handler that looks the same new row
    up twice (a child's registration, then its report row) asks the database once, not twice.
    """
    pending = _pending(session, model, key)
    if pending is not None:
        return pending
    if (model, key) in session.info.get(_ABSENT, ()):
        # Not there when read ahead: only one added and written since can be here now.
        return _in_identity_map(session, model, key)
    with session.no_autoflush:
        return session.get(model, key)


def find_unflushed(session: Session, model: type[T], **equal: Any) -> list[T]:
    """Rows of `model` whose attributes equal these values (or are among them, for a tuple,
    list or set), without flushing first: what an autoflushing query would find, on the rows
    as this transaction has left them.

    A consumer's batch that asked with autoflush wrote the earlier events' new rows a few at a
    time before every such look-up; left for the commit, they are written together. The
    database is asked on its rows; rows this transaction added, changed or deleted are then
    judged on their values in memory. Plain equality only: compare with values of the
    attribute's own Python type.
    """
    query = _lookup_statement(model, tuple((n, _kind(v)) for n, v in equal.items()))
    params = {n: sorted(v) if _is_many(v) else v for n, v in equal.items() if v is not None}
    with session.no_autoflush:
        found = list(session.scalars(query, params))
    changed = [*_added_of(session, model), *(r for r in session.dirty if isinstance(r, model))]
    if not changed and not session.deleted:
        return found
    deleted = session.deleted

    def matches(row: Any) -> bool:
        for name, value in equal.items():
            have = getattr(row, name)
            if not (have in value if _is_many(value) else have == value):
                return False
        return True

    return [row for row in dict.fromkeys([*found, *changed]) if row not in deleted and matches(row)]


def first_unflushed(session: Session, model: type[T], **equal: Any) -> T | None:
    """One row `find_unflushed` finds, or None."""
    found = find_unflushed(session, model, **equal)
    return found[0] if found else None


def _is_many(value: Any) -> bool:
    return isinstance(value, tuple | list | set | frozenset)


def _kind(value: Any) -> str:
    return "null" if value is None else "many" if _is_many(value) else "one"


_LOOKUPS: dict[tuple[type[Any], tuple[tuple[str, str], ...]], Select] = {}


def _lookup_statement(model: type[Any], shape: tuple[tuple[str, str], ...]) -> Select:
    """One statement per model and set of compared attributes, built once with parameters
    (NULL compared with IS NULL): building the comparisons anew was most of a look-up's own
    CPU."""
    statement = _LOOKUPS.get((model, shape))
    if statement is None:
        statement = select(model)
        for name, kind in shape:
            column = getattr(model, name)
            if kind == "null":
                statement = statement.where(column.is_(None))
            elif kind == "many":
                statement = statement.where(column.in_(bindparam(name, expanding=True)))
            else:
                statement = statement.where(column == bindparam(name))
        _LOOKUPS[(model, shape)] = statement
    return statement


def _added_of(session: Session, model: type[Any]) -> list[Any]:
    """The rows of `model` this transaction added and has not written yet."""
    if not session.info.get(_TRACKED):
        return [row for row in session.new if isinstance(row, model)]
    added = session.info.get(_ADDED)
    if not added:
        return []
    return [
        row
        for cls, rows in added.items()
        if issubclass(cls, model)
        for row in rows
        if inspect(row).pending
    ]


def _pending(session: Session, model: type[Any], key: Any) -> Any:
    """The object of `model` with this primary key added in this transaction, if any."""
    added = _added_of(session, model)
    if not added:
        return None
    mapper = inspect(model)
    names = [mapper.get_property_by_column(column).key for column in mapper.primary_key]
    wanted = key if isinstance(key, tuple) else (key,)
    for candidate in added:
        if tuple(getattr(candidate, n) for n in names) == wanted:
            return candidate
    return None


def walk_queue_in_order(session: Session) -> None:
    """Let this transaction read a queue table's next batch along its index (PostgreSQL).

    A queue table PostgreSQL has not analyzed yet (a new service's database, the first minute
    after an import) has no statistics, and the planner expects one waiting row: it fetches
    every waiting row, sorts them and keeps the batch. Over a backlog each batch then reads the
    whole backlog, and draining it costs the backlog's square. With sorting off, the planner
    walks the index in the order asked for and stops at the batch's size. Call it before the
    batch's SELECT; it lasts until the transaction ends.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL enable_sort = off"))


def lock_for_update(query: Select, db: Database | Session) -> Select:
    """Lock the selected rows, skipping rows another worker holds (PostgreSQL).

    On SQLite the transaction's BEGIN IMMEDIATE already serialises writers.
    """
    bind = db.engine if isinstance(db, Database) else db.get_bind()
    if bind.dialect.name == "postgresql":
        return query.with_for_update(skip_locked=True)
    return query


class UtcDateTime(TypeDecorator):
    """An aware timestamp stored in UTC and read back aware (SQLite keeps no offset)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("timestamps must carry a UTC offset")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
