"""A payload check built once from its marshmallow schema, for the payloads plainly valid.

Every event is checked twice: by its producer before it is stored, and by each consumer when it
arrives. The schema's `validate` walks every field through marshmallow's machinery, which was
about a tenth of each worker's CPU. Nearly every payload is valid, so each schema also gets a
plain function that answers only "valid by the schema's own rules" or "ask the schema". Only a
True answer is trusted: anything the function does not accept goes through the schema, which
then accepts it (a form this check does not know) or names each field that is wrong.

A schema is compiled only when every part of it is understood here; one with a hook, a
validator of another kind or a field type not listed below gets no plain check at all.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from marshmallow import Schema, fields, validate

Check = Callable[[Any], bool]


class _Unsupported(Exception):
    """A part of a schema the plain check does not understand."""


def compile_check(schema: Schema) -> Check | None:
    """A function telling whether a payload is plainly valid for `schema`; None if none."""
    try:
        check = _schema_check(schema)
    except _Unsupported:
        return None

    def plainly_valid(payload: Any) -> bool:
        try:
            return check(payload)
        except Exception:  # a value the rules cannot even compare: the schema will say
            return False

    return plainly_valid


def _schema_check(schema: Schema) -> Check:
    if any(schema._hooks.values()):  # pre/post load, validates, validates_schema
        raise _Unsupported("hooks")
    if schema.many:
        raise _Unsupported("many")
    if schema.partial is not None and any(
        isinstance(field, fields.Nested) for field in schema.load_fields.values()
    ):
        # A partial load passes its own partial down to nested parts, over theirs.
        raise _Unsupported("partial with nested parts")
    parts: list[tuple[str, bool, Check]] = []
    for name, field in schema.load_fields.items():
        key = field.data_key or name
        parts.append((key, field.required, _field_check(field)))
    if any(field.dump_only for field in schema.fields.values()):
        raise _Unsupported("dump-only field")
    known = frozenset(key for key, _, _ in parts)
    partial = schema.partial  # a part of an update: True, or the names it may leave out
    if partial is True:
        required: frozenset[str] = frozenset()
    elif partial:
        # Names, not data keys: only a schema whose keys are its names is compiled.
        if any(field.data_key for field in schema.load_fields.values()):
            raise _Unsupported("partial with data keys")
        required = frozenset(key for key, needed, _ in parts if needed and key not in partial)
    else:
        required = frozenset(key for key, needed, _ in parts if needed)
    checks = tuple((key, check) for key, _, check in parts)

    def check(value: Any) -> bool:
        if type(value) is not dict:
            return False
        keys = value.keys()
        if not keys <= known or not required <= keys:
            return False  # an unknown field, or a required one missing: the schema says which
        for key, field_check in checks:
            if key in value and not field_check(value[key]):
                return False
        return True

    return check


def _field_check(field: fields.Field) -> Check:
    """The check of one field's value (present in the payload), validators included."""
    if field.pre_load or field.post_load:
        raise _Unsupported("field processors")
    if isinstance(field, fields.Nested) and field.validators:
        raise _Unsupported("validators of a nested part")  # run on the loaded part
    base = _type_check(field)
    rules = tuple(_validator_check(v) for v in field.validators)
    allow_none = field.allow_none

    def check(value: Any) -> bool:
        if value is None:
            return allow_none
        if not base(value):
            return False
        return all(rule(value) for rule in rules)

    return check


def _type_check(field: fields.Field) -> Check:
    # Exact classes only: a subclass may change what it accepts.
    kind = type(field)
    if kind is fields.String:
        return _is_str
    if kind is fields.Boolean:
        if not ({True} <= field.truthy and {False} <= field.falsy):
            raise _Unsupported("truthy or falsy values without the booleans")
        return _is_bool
    if kind is fields.Integer:
        return _is_int
    if kind is fields.Float:
        if field.allow_nan:
            raise _Unsupported("NaN allowed")
        return _finite_number
    if kind is fields.Date:
        if (field.format or "iso") not in ("iso", "iso8601"):
            raise _Unsupported("date format")
        return _iso_date
    if kind is fields.AwareDateTime:
        if (field.format or "iso") not in ("iso", "iso8601") or field.default_timezone is not None:
            raise _Unsupported("datetime format")
        return _aware_iso_datetime
    if kind is fields.Raw:
        return _anything
    if kind is fields.List:
        return _list_check(_field_check(field.inner))
    if kind is fields.Dict:
        return _dict_check(field)
    if kind is fields.Nested:
        if field.many or field.only or field.exclude or field.schema.many:
            raise _Unsupported("nested options")
        return _schema_check(field.schema)
    raise _Unsupported(kind.__name__)


def _validator_check(rule: Any) -> Check:
    kind = type(rule)
    if kind is validate.Length:
        low, high, equal = rule.min, rule.max, rule.equal

        def length(value: Any) -> bool:
            n = len(value)
            if equal is not None:
                return n == equal
            return (low is None or n >= low) and (high is None or n <= high)

        return length
    if kind is validate.OneOf:
        choices = tuple(rule.choices)

        def one_of(value: Any) -> bool:
            return value in choices

        return one_of
    if kind is validate.Range:
        low, high = rule.min, rule.max
        low_in, high_in = rule.min_inclusive, rule.max_inclusive

        def in_range(value: Any) -> bool:
            if low is not None and (value < low if low_in else value <= low):
                return False
            return high is None or (value <= high if high_in else value < high)

        return in_range
    raise _Unsupported(kind.__name__)


def _list_check(inner: Check) -> Check:
    def check(value: Any) -> bool:
        return type(value) is list and all(inner(each) for each in value)

    return check


def _dict_check(field: fields.Dict) -> Check:
    keys = _field_check(field.key_field) if field.key_field is not None else None
    values = _field_check(field.value_field) if field.value_field is not None else None

    def check(value: Any) -> bool:
        if type(value) is not dict:
            return False
        if keys is not None and not all(keys(k) for k in value):
            return False
        return values is None or all(values(v) for v in value.values())

    return check


def _is_str(value: Any) -> bool:
    return type(value) is str


def _is_bool(value: Any) -> bool:
    return type(value) is bool


def _is_int(value: Any) -> bool:
    return type(value) is int


# Integers a float holds exactly: beyond them the schema's float is another number.
_EXACT = 2**53


def _finite_number(value: Any) -> bool:
    if type(value) is int:
        return -_EXACT <= value <= _EXACT
    return type(value) is float and math.isfinite(value)


def _anything(value: Any) -> bool:
    return True


def _iso_date(value: Any) -> bool:
    # The same parser the schema's Date field uses.
    if type(value) is not str:
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _aware_iso_datetime(value: Any) -> bool:
    # The same parser and the same awareness test as the schema's AwareDateTime field.
    if type(value) is not str:
        return False
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return False
    return moment.tzinfo is not None and moment.tzinfo.utcoffset(moment) is not None
