"""Reading request bodies: the platform's JSON parser and the Blueprint that uses it."""

from __future__ import annotations

import json
from typing import Any

import flask_smorest
from marshmallow import Schema
from webargs.flaskparser import FlaskParser


class JsonParser(FlaskParser):
    """webargs' parser, with absurdly nested JSON treated as malformed rather than a crash.

    A schema given as a class is built once and reused: webargs would build it (and deep-copy
    every field of it and of its nested schemas) on every request. Loading keeps no state on
    the schema, so one instance serves every thread.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._schemas: dict[type, Schema] = {}

    def _get_schema(self, argmap: Any, req: Any) -> Schema:
        if isinstance(argmap, type) and issubclass(argmap, Schema):
            schema = self._schemas.get(argmap)
            if schema is None:
                schema = self._schemas.setdefault(argmap, argmap())
            return schema
        return super()._get_schema(argmap, req)

    def _raw_load_json(self, req: Any) -> Any:
        try:
            data = super()._raw_load_json(req)
        except RecursionError as exc:
            raise json.JSONDecodeError("JSON nested too deeply", "(nested)", 0) from exc
        if _has_unstorable_text(data):
            raise json.JSONDecodeError("text holds a NUL or an unpaired surrogate", "(text)", 0)
        return data


def unstorable(text: str) -> bool:
    """NUL and lone UTF-16 surrogates cannot be stored as text (PostgreSQL, UTF-8)."""
    if "\x00" in text:
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _has_unstorable_text(value: Any) -> bool:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if unstorable(item):
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


class Blueprint(flask_smorest.Blueprint):
    """The blueprint of every service resource: flask-smorest's, parsing with `JsonParser`.

    A subclass rather than a change to flask-smorest's class, so importing this module changes
    nothing for other code in the process; `build_app` refuses any other blueprint class.
    """

    ARGUMENTS_PARSER = JsonParser()
