"""Structured JSON logs: one line per record, with the request or event context attached."""

from __future__ import annotations

import contextlib
import contextvars
import json
import logging
import re
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import orjson

from shared.phones import mask_phones_in_text

_context: contextvars.ContextVar[dict[str, Any]] = contextvars.ContextVar("log_context", default={})  # noqa: B039

_BEARER = re.compile(r"(?i)bearer\s+[A-Za-z0-9\-_.]+")
# What a database error quotes from the row: PostgreSQL's DETAIL line ("Key (phone)=(…)"), the
# statement's parameters, and any value in "(column)=(value)" form.
_ROW_DETAIL = re.compile(r"(?im)^\s*DETAIL:.*$")
_PARAMETERS = re.compile(r"\[parameters: .*?\](?=\s*(?:\(|\[|$))", re.S)
_KEY_VALUE = re.compile(r"\)=\((?:[^()]|\([^()]*\))*\)")
# Names of people are written in Cyrillic here; error text of the code itself is English.
_CYRILLIC = re.compile(r"[\u0400-\u04FF][\u0400-\u04FF\s'’.-]*[\u0400-\u04FF]|[\u0400-\u04FF]")


def scrub(text: str) -> str:
    """Mask phone numbers and bearer tokens in free text."""
    text = _BEARER.sub("Bearer ***", text)
    return mask_phones_in_text(text)


def scrub_error_text(text: str) -> str:
    """Error text fit for logs and message headers: no row values, parameters, names or phones."""
    text = _ROW_DETAIL.sub("DETAIL: (hidden)", text)
    text = _PARAMETERS.sub("[parameters hidden]", text)
    text = _KEY_VALUE.sub(")=(hidden)", text)
    return _CYRILLIC.sub("***", scrub(text))


def describe_error(exc: BaseException, limit: int = 500) -> str:
    """One scrubbed line naming an exception: its type and the first line of its message."""
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return scrub_error_text(f"{type(exc).__name__}: {first}")[:limit]


def _scrub_value(value: Any) -> Any:
    """Mask phones and tokens in a structured log field (strings, and strings inside lists)."""
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, list | tuple):
        return [_scrub_value(v) for v in value]
    if isinstance(value, dict):
        return {k: _scrub_value(v) for k, v in value.items()}
    return value


@contextlib.contextmanager
def log_context(**values: Any) -> Iterator[None]:
    """Attach values (event id, type, correlation id, request id) to every log line inside."""
    token = _context.set({**_context.get(), **{k: v for k, v in values.items() if v is not None}})
    try:
        yield
    finally:
        _context.reset(token)


class JsonFormatter(logging.Formatter):
    """Format a record as one JSON object per line."""

    def __init__(self, service: str) -> None:
        super().__init__()
        self.service = service

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "service": self.service,
            "logger": record.name,
            "msg": scrub(record.getMessage()),
        }
        line.update({k: _scrub_value(v) for k, v in _context.get().items()})
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            line.update({k: _scrub_value(v) for k, v in fields.items()})
        if record.exc_info:
            line["error"] = scrub_error_text(self.formatException(record.exc_info))
        return _json_line(line)


# Times and dataclasses go to str() as json's default=str would write them; so the lines read
# as before. Every handled event writes a line: orjson writes it several times faster.
_LINE_OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS
_LINE_OPTIONS |= orjson.OPT_NON_STR_KEYS


def _json_line(line: dict[str, Any]) -> str:
    try:
        return orjson.dumps(line, default=str, option=_LINE_OPTIONS).decode()
    except TypeError:  # what orjson cannot write (an integer beyond 64 bits): json can
        return json.dumps(line, ensure_ascii=False, default=str)


# Libraries that would drown the platform's own lines at INFO.
NOISY_LOGGERS = ("amqp", "kombu", "urllib3", "alembic.runtime.migration")


def configure_logging(service: str, level: str = "INFO") -> None:
    """Send every log record to stderr as JSON lines (idempotent)."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_platform", False):
            root.removeHandler(handler)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter(service))
    handler._platform = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level)
    for noisy in NOISY_LOGGERS:
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))
