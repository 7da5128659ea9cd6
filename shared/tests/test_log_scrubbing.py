"""Logs and error text carry no names, phone numbers, row values or statement parameters."""

from __future__ import annotations

import json
import logging
import sys
import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import Column, MetaData, String, Table, insert
from sqlalchemy.exc import IntegrityError

from shared.db import Database
from shared.logging import JsonFormatter, describe_error, log_context, scrub_error_text

NAME, PHONE = "Фарзона Раҳимова", "+992931234567"


def formatted(message: str, fields: dict | None = None, exc: BaseException | None = None) -> dict:
    record = logging.LogRecord("t", logging.ERROR, __file__, 1, message, (), None)
    record.fields = fields or {}
    if exc is not None:
        try:
            raise exc
        except BaseException:
            record.exc_info = sys.exc_info()
    return json.loads(JsonFormatter("t").format(record))


def test_structured_fields_and_context_are_scrubbed():
    with log_context(request_from="+992 93 123 4567"):
        line = formatted("sent", {"to": PHONE, "numbers": [PHONE], "nested": {"phone": PHONE}})
    text = json.dumps(line, ensure_ascii=False)
    assert "4567" in text and "93123" not in text.replace(" ", "") and "123 4567" not in text


def test_exception_text_in_logs_loses_names_phones_and_row_values():
    error = RuntimeError(f"cannot store {NAME} ({PHONE})\nDETAIL:  Key (phone)=({PHONE}) exists")
    line = formatted("failed", exc=error)
    for personal in ("Фарзона", "Раҳимова", "931234567"):
        assert personal not in line["error"]
    assert "RuntimeError" in line["error"]


def test_describe_error_is_one_scrubbed_line():
    text = describe_error(ValueError(f'duplicate key "{NAME}" {PHONE}\n[parameters: ("x",)]'))
    assert text.startswith("ValueError: duplicate key") and "\n" not in text
    assert "Фарзона" not in text and "931234567" not in text
    assert "(hidden)" in scrub_error_text("DETAIL: Key (given_name)=(Zarina) already exists.")


def test_database_errors_never_show_the_statements_parameters(tmp_path):
    db = Database(f"sqlite:///{tmp_path}/t.db")
    table = Table("people", MetaData(), Column("phone", String, primary_key=True))
    table.create(db.engine)
    with db.session() as session:
        session.execute(insert(table).values(phone=PHONE))
    with pytest.raises(IntegrityError) as raised, db.session() as session:
        session.execute(insert(table).values(phone=PHONE))
    assert PHONE not in str(raised.value)


def test_a_line_writes_times_ids_and_odd_values_as_text_and_never_fails():
    """Lines are written with a fast encoder; values it has no form for are written as text,
    times as Python writes them, and a number too big for it still makes a line."""
    at = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
    ident = uuid.UUID("7b0f3c52-9d1e-4f43-8a57-2f1f0c1d2e3f")
    line = formatted("ok", {"at": at, "id": ident, "ms": 1.5, 3: "three", "big": 2**70})
    assert line["at"] == "2026-12-07 10:00:00+00:00" and line["id"] == str(ident)
    assert line["ms"] == 1.5 and line["3"] == "three" and line["big"] == 2**70
    assert line["msg"] == "ok" and line["level"] == "error"
