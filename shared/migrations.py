"""Alembic, one history per service: `python -m services.X.migrate` and the shared env.py logic."""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
from pathlib import Path

import sqlalchemy as sa
from alembic import command, context, op
from alembic.config import Config
from sqlalchemy import MetaData, create_engine, pool
from sqlalchemy.types import TypeDecorator

from shared.config import load_settings
from shared.logging import configure_logging

log = logging.getLogger(__name__)


def alembic_config(service: str, database_url: str) -> Config:
    """An Alembic configuration for a service's migrations folder and database."""
    config = Config()
    config.set_main_option("script_location", f"services.{service}:migrations")
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    config.attributes["service"] = service
    return config


def upgrade(service: str, database_url: str) -> None:
    """Bring a service's database to the latest schema (safe to repeat)."""
    if database_url.startswith("sqlite:///"):
        Path(database_url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    command.upgrade(alembic_config(service, database_url), "head")


def _render_item(kind: str, obj: object, autogen_context: object) -> str | bool:
    """Render a service's own column types (TypeDecorators) as the plain type they store."""
    if kind == "type" and isinstance(obj, TypeDecorator):
        return f"sa.{obj.impl!r}"
    return False


def run_env(target_metadata: MetaData) -> None:
    """The body of every service's migrations/env.py (online mode only)."""
    url = context.config.get_main_option("sqlalchemy.url")
    engine = create_engine(url, poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
            render_item=_render_item,
        )
        with context.begin_transaction():
            context.run_migrations()


def main(service: str, argv: list[str] | None = None) -> int:
    """Entry point of `python -m services.<service>.migrate [--autogenerate MESSAGE]`."""
    parser = argparse.ArgumentParser(prog=f"python -m services.{service}.migrate")
    parser.add_argument(
        "--autogenerate",
        metavar="MESSAGE",
        help="developers: write a new revision from the models (against an empty scratch database)",
    )
    parser.add_argument("--rev-id", default=None, help="with --autogenerate: the revision id")
    args = parser.parse_args(argv)
    settings = load_settings(service)
    configure_logging(f"{service}-migrate", settings.log_level)
    if args.autogenerate:
        with tempfile.TemporaryDirectory() as scratch:
            url = f"sqlite:///{scratch}/scratch.db"
            upgrade(service, url)
            command.revision(
                alembic_config(service, url),
                message=args.autogenerate,
                autogenerate=True,
                rev_id=args.rev_id,
            )
        return 0
    upgrade(service, settings.database_url)
    log.info("database is at the latest schema", extra={"fields": {"service": service}})
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))


def add_outbox_failed_state() -> None:
    """Migration step every service's outbox takes: refusals counted and a failed state."""
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("refusals", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("failed_at", sa.DateTime(timezone=True), nullable=True))


def drop_outbox_failed_state() -> None:
    """The way back from add_outbox_failed_state."""
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_column("failed_at")
        batch_op.drop_column("refusals")


# The tables every service's messaging keeps (shared/outbox.py, shared/inbox.py), created by each
# service's first revision. Steps that several services take in the same words live below, so that
# a service's history names the step rather than copying it.


def create_messaging_tables() -> None:
    """The outbox (events waiting for the relay) and the processed events (the inbox's memory)."""
    op.create_table(
        "outbox",
        sa.Column(
            "seq",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("event_type", sa.String(length=100), nullable=False),
        sa.Column("correlation_id", sa.String(length=100), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("seq"),
        sa.UniqueConstraint("id"),
    )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_outbox_correlation_id"), ["correlation_id"], unique=False
        )
        batch_op.create_index(
            "ix_outbox_unsent",
            ["seq"],
            unique=False,
            postgresql_where=sa.text("published_at IS NULL"),
            sqlite_where=sa.text("published_at IS NULL"),
        )
    op.create_table(
        "processed_events",
        sa.Column("event_id", sa.String(length=64), nullable=False),
        sa.Column("event_type", sa.String(length=100), nullable=False),
        sa.Column("correlation_id", sa.String(length=100), nullable=True),
        sa.Column("handled_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("event_id"),
    )
    with op.batch_alter_table("processed_events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_processed_events_correlation_id"), ["correlation_id"], unique=False
        )


def drop_messaging_tables() -> None:
    """The way back from create_messaging_tables."""
    with op.batch_alter_table("processed_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_processed_events_correlation_id"))
    op.drop_table("processed_events")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index(
            "ix_outbox_unsent",
            postgresql_where=sa.text("published_at IS NULL"),
            sqlite_where=sa.text("published_at IS NULL"),
        )
        batch_op.drop_index(batch_op.f("ix_outbox_correlation_id"))
    op.drop_table("outbox")


def create_child_copy_tables() -> None:
    """What a service that copies children keeps to apply their events in any order
    (shared/ordering.py): the version of each field it holds, and events parked until the child
    arrives."""
    op.create_table(
        "child_versions",
        sa.Column("child_id", sa.String(length=100), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("child_id"),
    )
    op.create_table(
        "parked_events",
        sa.Column("event_id", sa.String(length=64), nullable=False),
        sa.Column("child_id", sa.String(length=100), nullable=False),
        sa.Column("event_type", sa.String(length=100), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("event_id"),
    )
    with op.batch_alter_table("parked_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_parked_events_child_id"), ["child_id"], unique=False)


def drop_child_copy_tables() -> None:
    """The way back from create_child_copy_tables."""
    with op.batch_alter_table("parked_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_parked_events_child_id"))
    op.drop_table("parked_events")
    op.drop_table("child_versions")


def create_access_audit() -> None:
    """Who read which child's records (no personal data: ids, role and what was read)."""
    op.create_table(
        "access_audit",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_sub", sa.String(length=100), nullable=False),
        sa.Column("actor_role", sa.String(length=20), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("resource", sa.String(length=40), nullable=False),
        sa.Column("record_id", sa.String(length=64), nullable=False),
        sa.Column("child_id", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("access_audit", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_access_audit_child_id"), ["child_id"], unique=False)


def drop_access_audit() -> None:
    """The way back from create_access_audit."""
    with op.batch_alter_table("access_audit", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_access_audit_child_id"))
    op.drop_table("access_audit")
