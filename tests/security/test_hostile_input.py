"""Oversized, deep, broken and mistyped requests: a fast 4xx every time, and the app lives on."""

from __future__ import annotations

import io
import json
import math
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.security.calls import SERVICES, all_operations, caller_headers, refs
from tests.security.expectations import body_for
from tests.security.operations import Operation

pytestmark = pytest.mark.integration
FAST_SECONDS = 2.0  # generous for two shared cores; a parser stuck on a bomb takes far longer
MEBIBYTE = 1024 * 1024


class Probe:
    """Sends hostile requests to one service and notes every answer that is not a fast 4xx."""

    def __init__(self, stack: Any, world: Any, specs: dict, service: str) -> None:
        self.stack, self.world, self.service = stack, world, service
        self.operations = all_operations(specs, service)
        self.problems: list[str] = []

    def with_body(self) -> list[Operation]:
        return [op for op in self.operations if op.has_body]

    def lists(self) -> list[Operation]:
        return [op for op in self.operations if op.method == "GET" and "page_size" in op.query]

    def valid_body(self, operation: Operation) -> Any:
        ref = refs(self.world, "in", operation)
        return body_for(operation.key, ref, time.strftime("%Y-%m-%d")) or {}

    def headers(self, operation: Operation) -> dict[str, str]:
        return caller_headers(self.stack, self.world, self.service, operation)

    def send(
        self, operation: Operation, label: str, statuses: set[int] | None = None, **kwargs: Any
    ) -> Any:
        """Send; a 5xx, an unexpected status or a slow answer is a problem."""
        url = kwargs.pop("url", None) or operation.url(refs(self.world, "in", operation))
        headers = {**self.headers(operation), **kwargs.pop("headers", {})}
        started = time.perf_counter()
        response = self.stack.call(self.service, operation.method, url, headers=headers, **kwargs)
        seconds = time.perf_counter() - started
        status = response.status_code
        wanted = statuses or set(range(400, 500))
        if status not in wanted:
            body = response.get_data(as_text=True)[:160].replace("\n", " ")
            self.problems.append(
                f"{operation.key} {label}: {status}, wanted {_show(wanted)} {body}"
            )
        if seconds > FAST_SECONDS:
            self.problems.append(f"{operation.key} {label}: took {seconds:.1f} s")
        return response

    def assert_clean(self) -> None:
        """No problems, and the service still answers ordinary requests."""
        health = self.stack.call(self.service, "GET", "/healthz")
        if health.status_code != 200:
            self.problems.append(f"/healthz afterwards: {health.status_code}")
        worker = self.stack.service(self.service).worker
        stopped = [t.name for t in (worker.threads if worker else []) if not t.is_alive()]
        if stopped:
            self.problems.append(f"worker threads stopped afterwards: {stopped}")
        for operation in self.lists()[:1]:
            self.send(operation, "an ordinary list afterwards", {200})
        assert not self.problems, "\n".join(self.problems)


def _show(statuses: set[int]) -> str:
    classes = sorted({f"{status // 100}xx" for status in statuses})
    whole = all(set(range(int(c[0]) * 100, int(c[0]) * 100 + 100)) <= statuses for c in classes)
    return " or ".join(classes) if whole else str(sorted(statuses))


def replace_leaves(
    value: Any,
    strings: Callable[[str], Any] | None = None,
    numbers: Callable[[Any], Any] | None = None,
) -> Any:
    """The same JSON value with its strings and/or its numbers replaced."""
    if isinstance(value, dict):
        return {k: replace_leaves(v, strings, numbers) for k, v in value.items()}
    if isinstance(value, list):
        return [replace_leaves(v, strings, numbers) for v in value]
    if isinstance(value, str) and strings:
        return strings(value)
    if isinstance(value, int | float) and not isinstance(value, bool) and numbers:
        return numbers(value)
    return value


def constant(value: Any) -> Callable[[Any], Any]:
    return lambda _: value


ANY_ANSWER = set(range(200, 300)) | set(range(400, 500))


def raw(value: Any) -> bytes:
    """JSON as Python writes it (NaN and Infinity included, as some clients send them)."""
    return json.dumps(value, ensure_ascii=False, allow_nan=True).encode()


def nested(depth: int) -> Iterator[tuple[str, bytes]]:
    yield f"{depth} nested arrays", b"[" * depth + b"]" * depth
    yield f"{depth} nested objects", b'{"a":' * depth + b"1" + b"}" * depth


@pytest.fixture
def probe(stack, world, specs, request) -> Probe:
    return Probe(stack, world, specs, request.param)


@pytest.mark.parametrize("probe", SERVICES, indirect=True)
def test_oversized_bodies_answer_413(probe):
    """A body over the limit is refused with 413, with or without a Content-Length."""
    big = raw({"padding": "я" * MEBIBYTE})
    for operation in probe.with_body():
        probe.send(operation, "1 MiB body", {413}, data=big, content_type="application/json")
        probe.send(
            operation,
            "1 MiB chunked body",
            {413},
            input_stream=io.BytesIO(big),
            headers={"Transfer-Encoding": "chunked", "Content-Type": "application/json"},
            environ_overrides={"wsgi.input_terminated": True},
        )
    probe.assert_clean()


@pytest.mark.parametrize("probe", SERVICES, indirect=True)
def test_deeply_nested_json_is_refused(probe):
    """Nesting bombs at the top and inside valid bodies: 4xx, never a crash."""
    for operation in probe.with_body():
        for label, data in [*nested(100_000), *nested(950)]:
            probe.send(operation, label, data=data, content_type="application/json")
        deep = json.loads(b"[" * 900 + b"]" * 900)
        body = replace_leaves(probe.valid_body(operation), constant(deep), constant(deep))
        body = body if body else {"unexpected": deep}
        probe.send(operation, "900 levels in every field", json=body)
    probe.assert_clean()


@pytest.mark.parametrize("probe", SERVICES, indirect=True)
def test_broken_text_is_refused(probe):
    """Invalid UTF-8: 4xx; lone surrogates and NUL characters: refused or accepted, never a 5xx."""
    for operation in probe.with_body():
        probe.send(operation, "invalid UTF-8", data=b'{"a": "\xff\xfe\xfd"}',
                   content_type="application/json")  # fmt: skip
        surrogate = replace_leaves(probe.valid_body(operation), constant("\ud800x"))
        probe.send(operation, "lone surrogates", ANY_ANSWER, data=json.dumps(surrogate).encode(),
                   content_type="application/json")  # fmt: skip
        with_nul = replace_leaves(probe.valid_body(operation), lambda s: f"{s}\x00")
        probe.send(operation, "NUL characters", ANY_ANSWER, json=with_nul)
    for operation in probe.lists():
        for text in ("%FF%FE", "%00", "%ED%A0%80"):
            query = "&".join(f"{name}={text}" for name in operation.query)
            url = operation.url(refs(probe.world, "in", operation)) + "?" + query
            probe.send(operation, f"query of {text}", ANY_ANSWER, url=url)
    probe.assert_clean()


HUGE_NUMBERS = (10**30, -(10**30), 1e308, math.nan, math.inf, -math.inf)


@pytest.mark.parametrize("probe", SERVICES, indirect=True)
def test_huge_numbers_and_pages_are_refused(probe):
    """Numbers no column can hold and page numbers no one needs: 422, not an overflow."""
    for operation in probe.with_body():
        for number in HUGE_NUMBERS:
            body = replace_leaves(probe.valid_body(operation), numbers=constant(number))
            if body != probe.valid_body(operation):
                probe.send(operation, f"numbers set to {number}", data=raw(body),
                           content_type="application/json")  # fmt: skip
    for operation in probe.lists():
        base = operation.url(refs(probe.world, "in", operation))
        for query in ("page_size=1000000000", "page_size=100000000000000000000000000000",
                      "page_size=-1", "page_size=0", "page_size=abc", "page=0", "page=-5",
                      "page=100000000000000000000000000000", "page=1e3", "page=NaN"):  # fmt: skip
            probe.send(operation, query, {422, 400}, url=f"{base}?{query}")
        probe.send(
            operation, "the last allowed page", {200}, url=f"{base}?page=100000&page_size=100"
        )
    probe.assert_clean()


WRONG_TYPES = ("text/plain", "application/xml", "application/x-www-form-urlencoded",
               "multipart/form-data; boundary=x", "application/octet-stream")  # fmt: skip


@pytest.mark.parametrize("probe", SERVICES, indirect=True)
def test_wrong_content_types_answer_415(probe):
    """A body that is not declared as JSON is refused with 415, even when it is JSON."""
    for operation in probe.with_body():
        data = raw(probe.valid_body(operation))
        for content_type in WRONG_TYPES:
            probe.send(operation, content_type, {415}, data=data, content_type=content_type)
        probe.send(operation, "no content type", {415}, data=data)
    probe.assert_clean()


@pytest.mark.parametrize("probe", SERVICES, indirect=True)
def test_json_that_is_not_an_object_is_refused(probe):
    """Arrays, scalars, truncated and single-quoted JSON: 400 or 422."""
    for operation in probe.with_body():
        for data in (b"[]", b"42", b'"text"', b"[{}]", b'{"child": ', b"{'a': 1}"):
            probe.send(operation, f"body {data!r}", {400, 422}, data=data,
                       content_type="application/json")  # fmt: skip
    probe.assert_clean()
