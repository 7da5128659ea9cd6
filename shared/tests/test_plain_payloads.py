"""A payload is judged by its schema's rules, by a plain check built from the schema or the schema.

Producers check each event before storing it and consumers when it arrives. The plain check
accepts the payloads producers write without the schema's cost; it must never accept what the
schema refuses, and what it does not accept goes to the schema, which accepts it or names the
field that is wrong.
"""

from __future__ import annotations

import copy
import json
from datetime import date
from typing import Any

import pytest
from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from shared import events
from shared.events import REGISTRY, InvalidEvent, make_event, parse_event, payload_errors
from shared.plain_payloads import compile_check
from shared.testing.stories import child_story, corrections_story

# Types whose schema has a part the plain check does not know (a decimal price): always the schema.
SCHEMA_ONLY = {("contract.signed", 1), ("contract.changed", 1)}


def _text(field: fields.Field) -> str:
    for rule in field.validators:
        if isinstance(rule, validate.OneOf):
            return next(iter(rule.choices))
        if isinstance(rule, validate.Length):
            return "x" * (rule.equal or max(rule.min or 1, 1))
    return "Гулнора"


def _value(field: fields.Field) -> Any:
    """A value the field accepts, built from its type and validators."""
    if isinstance(field, fields.Nested):
        return _example(field.schema)
    if isinstance(field, fields.List):
        return [_value(field.inner)]
    if isinstance(field, fields.Dict):
        return {"self_care": _value(field.value_field) if field.value_field else 1}
    if isinstance(field, fields.AwareDateTime):
        return "2026-12-07T15:00:00+05:00"
    if isinstance(field, fields.Date):
        return "2026-12-07"
    if isinstance(field, fields.Boolean):
        return True
    if isinstance(field, fields.Decimal):
        return "120.50"
    if isinstance(field, fields.Integer | fields.Float):
        ranges = [r for r in field.validators if isinstance(r, validate.Range)]
        return ranges[0].min if ranges and ranges[0].min is not None else 3
    if isinstance(field, fields.String):
        return _text(field)
    return {"any": "thing"}


def _example(schema) -> dict[str, Any]:
    """Every field of the schema, optional ones included, with a value it accepts."""
    return {field.data_key or name: _value(field) for name, field in schema.load_fields.items()}


def _paths(value: Any, path: tuple = ()) -> list[tuple]:
    """Every place in a payload a mutation can go: each key, and each list item."""
    found = []
    if isinstance(value, dict):
        for key, inner in value.items():
            found.append((*path, key))
            found.extend(_paths(inner, (*path, key)))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            found.append((*path, index))
            found.extend(_paths(inner, (*path, index)))
    return found


MISSING = object()
REPLACEMENTS = [
    MISSING, None, 12, -1, 0, 1.5, float("nan"), True, "", "x" * 301, "not-a-choice",
    "2026-13-45", "2026-12-07T10:00:00", "2026-12-07", "2026-12-07T10:00:00Z", [], {}, ["x"],
    {"unknown": 1},
]  # fmt: skip


def _mutations(payload: dict[str, Any], replacements: list = REPLACEMENTS):
    """The payload with each place replaced by each odd value, or removed; and an extra key."""
    yield "an extra field", {**payload, "colour": "blue"}
    for path in _paths(payload):
        for replacement in replacements:
            changed = copy.deepcopy(payload)
            holder = changed
            for step in path[:-1]:
                holder = holder[step]
            if replacement is MISSING:
                if isinstance(holder, dict):
                    del holder[path[-1]]
                else:
                    holder.pop(path[-1])
            else:
                holder[path[-1]] = copy.deepcopy(replacement)
            yield f"{path} = {replacement!r}", changed
        if isinstance(_get(payload, path), dict):
            changed = copy.deepcopy(payload)
            _get(changed, path)["colour"] = "blue"
            yield f"{path} + an extra field", changed


def _get(value: Any, path: tuple) -> Any:
    for step in path:
        value = value[step]
    return value


class _Part(Schema):
    class Meta:
        unknown = RAISE

    code = fields.Str(required=True, validate=validate.Length(equal=3))
    note = fields.Str(validate=validate.Length(min=2, max=5))


class _Everything(Schema):
    """Every part the plain check knows, the ones no event uses yet included."""

    class Meta:
        unknown = RAISE

    share = fields.Float(required=True, validate=validate.Range(min=0, max=1, max_inclusive=False))
    count = fields.Int(required=True, validate=validate.Range(min=0, min_inclusive=False))
    weight = fields.Float()
    flag = fields.Bool(load_default=False)
    part = fields.Nested(_Part, required=True)
    some = fields.Nested(_Part(partial=("code",)), load_default=None, allow_none=True)
    scores = fields.Dict(keys=fields.Str(validate=validate.Length(max=10)), values=fields.Int())
    anything = fields.Raw(required=True)
    tags = fields.List(
        fields.Str(validate=validate.OneOf(["a", "b"])), validate=validate.Length(max=2)
    )


def test_every_part_the_plain_check_knows_agrees_with_the_schema():
    schema = _Everything()
    check = compile_check(schema)
    example = {
        "share": 0.5, "count": 1, "weight": 2.5, "flag": True,
        "part": {"code": "TJS", "note": "ok"}, "some": {"note": "ok"},
        "scores": {"self_care": 2}, "anything": [1], "tags": ["a", "b"],
    }  # fmt: skip
    assert schema.validate(example) == {}
    assert check(example)
    odd = [0.0, 1.0, 0.99, 1, 0, -0.0, float("inf"), "TJ", "TJSX", "o", "okokok", ["a"] * 3]
    for name, payload in _mutations(example, REPLACEMENTS + odd):
        if check(payload):
            assert schema.validate(payload) == {}, f"accepted what the schema refuses: {name}"
    assert check({**example, "some": {"code": "TJS"}})  # a partial part may still carry a field
    long_key = {**example, "scores": {"k" * 11: 1}}
    assert not check(long_key) and schema.validate(long_key)


def test_a_schema_with_a_part_the_check_does_not_know_gets_none():
    class WithHook(_Part):
        @validates_schema
        def _whole(self, data, **kwargs):
            pass

    class WithRegexp(Schema):
        code = fields.Str(validate=validate.Regexp("^[A-Z]+$"))

    class WithEmail(Schema):
        address = fields.Email()

    assert compile_check(_Part()) is not None
    assert compile_check(WithHook()) is None
    assert compile_check(WithRegexp()) is None
    assert compile_check(WithEmail()) is None


@pytest.mark.parametrize("key", sorted(REGISTRY), ids=lambda key: key[0])
def test_the_plain_check_accepts_only_what_the_schema_accepts(key):
    schema, check = events._schema_and_check(*key)
    if key in SCHEMA_ONLY:
        assert check is None
        return
    example = _example(schema)
    assert schema.validate(example) == {}, "the example itself must be valid"
    assert check(example), "a payload with every field valid is accepted without the schema"
    refused = accepted = 0
    for name, payload in _mutations(example):
        if check(payload):
            accepted += 1
            assert schema.validate(payload) == {}, f"accepted what the schema refuses: {name}"
        elif schema.validate(payload):
            refused += 1
    assert refused > 0  # the mutations do reach refusals the schema names


def test_the_payloads_producers_write_are_plainly_valid():
    stories = child_story() + corrections_story()
    for event in stories:
        schema, check = events._schema_and_check(event.type, event.version)
        assert check(event.payload), event.type


def test_a_valid_event_is_parsed_without_the_schema(monkeypatch):
    event = child_story()[0]
    schema = events.payload_schema(event.type)

    def refuse(*args, **kwargs):
        raise AssertionError("the schema was asked about a plainly valid payload")

    monkeypatch.setattr(schema, "validate", refuse)
    assert parse_event(event.to_json()).payload == event.payload


def test_an_invalid_payload_is_named_field_by_field_by_the_schema():
    event = child_story()[0].to_dict()
    event["payload"]["guardian"]["language"] = "fr"
    event["payload"]["child"]["date_of_birth"] = "2023-02-30"
    with pytest.raises(InvalidEvent) as refused:
        parse_event(json.dumps(event))
    assert refused.value.messages == {
        "guardian": {"language": ["Must be one of: tg, ru, en."]},
        "child": {"date_of_birth": ["Not a valid date."]},
    }
    with pytest.raises(InvalidEvent, match="payload is invalid"):
        make_event("child.registered", event["payload"], producer="intake", correlation_id="c-1")


def test_a_newer_producers_extra_field_is_still_tolerated_by_consumers():
    event = child_story()[0].to_dict()
    event["payload"]["guardian"]["email"] = "later@example.org"
    assert payload_errors(event["type"], 1, event["payload"])  # the schema names it
    assert parse_event(json.dumps(event)).payload["guardian"]["email"] == "later@example.org"


class _Inner(Schema):
    class Meta:
        unknown = RAISE

    c = fields.Str(required=True)


class _InnerWithDefault(Schema):
    c = fields.Str(required=True)
    d = fields.Str(load_default="z")


def _shapes():
    """Schemas with parts whose meaning a plain check could get wrong, and a payload each."""

    def schema(**named):
        return Schema.from_dict(named)()

    def always_refused(value):
        raise ValidationError("no")

    exact = validate.Range(max=2**54, max_inclusive=False)
    nonblank = validate.Length(min=1)
    since = validate.Range(min=date(2020, 1, 1))
    return {
        "a nested part that is a list": (
            schema(b=fields.Nested(_Inner(many=True))), {"b": {"c": "x"}}
        ),
        "a partial load over a partial part": (
            Schema.from_dict({"b": fields.Nested(_Inner(partial=True))})(partial=("x",)),
            {"b": {}},
        ),
        "booleans of its own": (
            schema(f=fields.Bool(truthy={"yes"}, falsy={"no"})), {"f": True}
        ),
        "a float too big": (schema(f=fields.Float()), {"f": 10**400}),
        "a float bound an integer misses": (
            schema(f=fields.Float(validate=exact)), {"f": 2**54 - 1}
        ),
        "a field's own loading step": (
            schema(f=fields.Str(pre_load=[str.strip], validate=nonblank)), {"f": "  "}
        ),
        "a field's own step refusing": (
            schema(f=fields.Str(post_load=[always_refused])), {"f": "x"}
        ),
        "a date bound": (schema(d=fields.Date(validate=since)), {"d": "2021-01-01"}),
        "a nested part's length after defaults": (
            schema(n=fields.Nested(_InnerWithDefault, validate=validate.Length(max=1))),
            {"n": {"c": "x"}},
        ),
    }  # fmt: skip


@pytest.mark.parametrize("name", list(_shapes()))
def test_a_part_with_a_meaning_of_its_own_is_left_to_the_schema(name):
    schema, payload = _shapes()[name]
    check = compile_check(schema)
    if check is not None and check(payload):
        assert schema.validate(payload) == {}, name
