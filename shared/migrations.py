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
