"""The two reference apps the baselines run under gunicorn: a bare JSON endpoint, and a POST
that validates, inserts a row and an outbox row and commits (the shape of every write API)."""

from __future__ import annotations

import json
import os
import uuid
from datetime import UTC, date, datetime

from flask import Flask, jsonify, request
from marshmallow import Schema, ValidationError, fields, validate
from sqlalchemy import Date, DateTime, String, Text, create_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column


class Base(DeclarativeBase):
    pass


class Record(Base):
    __tablename__ = "records"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    given_name: Mapped[str] = mapped_column(String(100))
    family_name: Mapped[str] = mapped_column(String(100))
    date_of_birth: Mapped[date] = mapped_column(Date)
    district_code: Mapped[str] = mapped_column(String(40), index=True)
    phone: Mapped[str] = mapped_column(String(20))
    concerns: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class OutboxRow(Base):
    __tablename__ = "outbox"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    event_type: Mapped[str] = mapped_column(String(100))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class RecordSchema(Schema):
    given_name = fields.String(required=True, validate=validate.Length(1, 100))
    family_name = fields.String(required=True, validate=validate.Length(1, 100))
    date_of_birth = fields.Date(required=True)
    district_code = fields.String(required=True, validate=validate.Length(1, 40))
    phone = fields.String(required=True, validate=validate.Length(9, 20))
    concerns = fields.List(fields.String(), required=True)


def create_bare_app() -> Flask:
    """Return an app whose only endpoint answers a small JSON document."""
    app = Flask(__name__)

    @app.get("/ping")
    def ping():
        return jsonify(status="ok", service="bench", items=[1, 2, 3])

    return app


def create_outbox_app() -> Flask:
    """Return an app that validates a POST and commits one row plus one outbox row."""
    app = Flask(__name__)
    engine = create_engine(os.environ["BENCH_DATABASE_URL"], pool_size=5, pool_pre_ping=False)
    schema = RecordSchema()

    @app.get("/healthz")
    def healthz():
        return jsonify(status="ok")

    @app.post("/records")
    def records():
        try:
            data = schema.load(request.get_json())
        except ValidationError as exc:
            return jsonify(error={"code": "invalid", "fields": exc.messages}), 422
        now = datetime.now(UTC)
        record_id = str(uuid.uuid4())
        record = Record(id=record_id, created_at=now, **data)
        record.concerns = json.dumps(data["concerns"])
        body = {"type": "record.created", "record_id": record_id, **schema.dump(data)}
        with Session(engine) as session, session.begin():
            session.add(record)
            session.flush()
            session.add(
                OutboxRow(
                    id=str(uuid.uuid4()),
                    event_type="record.created",
                    body=json.dumps(body),
                    created_at=now,
                )
            )
        return jsonify(id=record_id, created_at=now.isoformat()), 201

    return app


def create_tables(database_url: str) -> None:
    """Create the outbox app's tables in a fresh database."""
    engine = create_engine(database_url)
    Base.metadata.create_all(engine)
    engine.dispose()
