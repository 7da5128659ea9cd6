"""A received event's envelope is judged by the contract's rules, by a quick check or the schema.

Workers check every envelope they take. A quick check accepts the envelopes producers write
without the schema's cost; it must never accept what the schema refuses, and what it does not
accept goes to the schema, which accepts it or says which field is wrong.
"""

from __future__ import annotations

import json
import uuid

import pytest
from marshmallow import ValidationError

from shared.events import EnvelopeSchema, Event, InvalidEvent, make_event, parse_event

GOOD = make_event(
    "child.consent_withdrawn",
    {"child_id": "c-1", "withdrawn_at": "2026-12-07T10:00:00+00:00"},
    producer="intake",
    correlation_id="c-1",
).to_dict()

VARIANTS = {
    "as written": {},
    "a caused event": {"causation_id": str(uuid.uuid4())},
    "id without dashes": {"id": uuid.uuid4().hex},
    "id as a URN": {"id": uuid.uuid4().urn},
    "id not a UUID": {"id": "not-a-uuid"},
    "id a number": {"id": 12},
    "time with Z": {"occurred_at": "2026-12-07T10:00:00Z"},
    "time in Dushanbe": {"occurred_at": "2026-12-07T15:00:00.5+05:00"},
    "time without a zone": {"occurred_at": "2026-12-07T10:00:00"},
    "a date, not a time": {"occurred_at": "2026-12-07"},
    "time not a time": {"occurred_at": "yesterday"},
    "time a number": {"occurred_at": 1765100000},
    "empty type": {"type": ""},
    "type too long": {"type": "x" * 101},
    "type at its longest": {"type": "x" * 100},
    "version 0": {"version": 0},
    "version as text": {"version": "1"},
    "version as a fraction": {"version": 1.0},
    "version true": {"version": True},
    "producer too long": {"producer": "p" * 51},
    "empty correlation": {"correlation_id": ""},
    "correlation too long": {"correlation_id": "c" * 101},
    "causation a number": {"causation_id": 5},
    "payload a list": {"payload": []},
    "payload null": {"payload": None},
    "an extra field": {"colour": "blue"},
    "no producer": {"producer": ...},
    "no causation": {"causation_id": ...},
}


def _envelope(change: dict) -> dict:
    data = dict(GOOD)
    for key, value in change.items():
        if value is ...:
            del data[key]
        else:
            data[key] = value
    return data


def _schema_accepts(data: dict) -> bool:
    try:
        EnvelopeSchema().load(data)
    except ValidationError:
        return False
    return True


@pytest.mark.parametrize("name", VARIANTS)
def test_an_envelope_is_accepted_exactly_when_the_schema_accepts_it(name):
    data = _envelope(VARIANTS[name])
    accepted = _schema_accepts(data)
    if accepted and data["type"] == GOOD["type"]:
        assert parse_event(json.dumps(data)).id == data["id"]
    elif accepted:  # a valid envelope of a type this platform does not know
        with pytest.raises(InvalidEvent, match="unknown event type"):
            parse_event(json.dumps(data))
    else:
        with pytest.raises(InvalidEvent) as refused:
            parse_event(json.dumps(data))
        # The schema names what is wrong: a producer's log says which field to mend.
        assert refused.value.reason.startswith("invalid envelope:")
        assert refused.value.messages


def test_the_variants_cover_acceptance_and_refusal():
    outcomes = {name: _schema_accepts(_envelope(change)) for name, change in VARIANTS.items()}
    assert outcomes["as written"] and outcomes["time with Z"] and outcomes["id as a URN"]
    assert not outcomes["time without a zone"] and not outcomes["version 0"]
    assert not outcomes["an extra field"] and not outcomes["no causation"]


def test_an_event_is_written_as_compact_utf8_json_and_read_back_the_same():
    """Outbox bodies are compact JSON with Tajik and Russian letters as they are: what json
    itself writes with those settings, byte for byte."""
    event = make_event(
        "child.consent_withdrawn",
        {"child_id": "Фарзона-1", "withdrawn_at": "2026-12-07T10:00:00+00:00"},
        producer="intake",
        correlation_id="c-1",
    )
    expected = json.dumps(event.to_dict(), ensure_ascii=False, separators=(",", ":"))
    assert event.to_json() == expected
    assert parse_event(event.to_json()) == event
    assert parse_event(event.to_json().encode()) == event


@pytest.mark.parametrize("body", [b"{", b"\xff\xfe", b'{"version": NaN}', b"", "[1, 2"])
def test_a_body_that_is_not_json_is_refused_as_such(body):
    with pytest.raises(InvalidEvent, match="body is not JSON"):
        parse_event(body)


def test_an_event_with_a_number_beyond_64_bits_is_still_written():
    event = make_event("child.consent_withdrawn", {"child_id": "c-1"}, producer="intake",
                       correlation_id="c-1")  # fmt: skip
    big = Event(**{**event.to_dict(), "payload": {"child_id": "c-1", "n": 2**70}})
    assert json.loads(big.to_json())["payload"]["n"] == 2**70
