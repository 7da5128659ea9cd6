"""Dead letters: python -m shared.deadletters list|show|replay|purge <service> [options]

Uses BROKER_URL and BROKER_NAMESPACE like the services. `list` and `show` leave the dead-letter
queue as it was; `replay` puts messages back on the service's queue (with a fixed body from
--body-file if given), confirmed by the broker before each dead letter is removed. `purge
--child ID` deletes every dead letter about that child (consent withdrawn: no copy of its data
may stay parked here); the others stay as they were.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from kombu import Connection, Queue

from shared.config import load_settings
from shared.messaging.connection import connect
from shared.messaging.consumer import ATTEMPTS_HEADER, REASON_HEADER
from shared.messaging.publisher import Outgoing, Publisher
from shared.messaging.topology import topology_for
from shared.subscriptions import SUBSCRIPTIONS


def _summary(message: Any) -> dict[str, Any]:
    headers = message.headers or {}
    return {
        "id": (message.properties or {}).get("message_id"),
        "type": headers.get("event_type") or headers.get("x-original-routing-key"),
        "reason": headers.get(REASON_HEADER) or _death_reason(headers),
        "attempts": headers.get(ATTEMPTS_HEADER),
        "dead_at": headers.get("x-dead-at"),
    }


def _death_reason(headers: dict[str, Any]) -> str | None:
    deaths = headers.get("x-death") or []
    return f"broker: {deaths[0].get('reason')}" if deaths else None


@contextmanager
def _dead_messages(settings: Any, limit: int) -> Iterator[tuple[Connection, list[Any]]]:
    """Take up to `limit` dead letters without acking; whatever is not acked goes back."""
    topology = topology_for(settings)
    connection = connect(settings.broker_url)
    connection.ensure_connection(max_retries=3)
    topology.declare(connection)
    channel = connection.channel()
    queue: Queue = topology.dead_queue(settings.service)(channel)
    messages = []
    try:
        while len(messages) < limit:
            message = queue.get(no_ack=False, accept=None)
            if message is None:
                break
            messages.append(message)
        yield connection, messages
    finally:
        for message in messages:
            if not message.acknowledged:
                message.requeue()
        connection.release()


def _replay(settings: Any, messages: list[Any], body_file: str | None) -> int:
    topology = topology_for(settings)
    publisher = Publisher(settings.broker_url, topology=topology)
    fixed = Path(body_file).read_text(encoding="utf-8") if body_file else None
    replayed = 0
    for message in messages:
        headers = {k: v for k, v in (message.headers or {}).items() if not k.startswith("x-")}
        body = fixed if fixed is not None else message.body
        if isinstance(body, bytes):
            body = body.decode("utf-8", errors="replace")
        outgoing = Outgoing(
            body=body,
            exchange=topology.requeue,
            routing_key=topology.names.queue(settings.service),
            message_id=(message.properties or {}).get("message_id") or "replayed",
            headers={**headers, "x-replayed": 1},
        )
        publisher.publish([outgoing])
        message.ack()
        replayed += 1
    publisher.close()
    return replayed


def _text(message: Any) -> str:
    body = message.body
    return body.decode("utf-8", "replace") if isinstance(body, bytes) else str(body)


def child_of(message: Any) -> str | None:
    """The child a dead letter is about: its correlation id, else the body's."""
    found = (message.properties or {}).get("correlation_id")
    if found:
        return str(found)
    try:
        data = json.loads(_text(message))
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    payload = data.get("payload") if isinstance(data.get("payload"), dict) else {}
    found = data.get("correlation_id") or payload.get("child_id")
    return str(found) if found else None


def about_child(message: Any, child_id: str) -> bool:
    """True when a dead letter is about this child (its correlation id, payload or raw text)."""
    found = child_of(message)
    if found is not None:
        return found == child_id
    return child_id in _text(message)  # a body that is not even JSON: any mention counts


def purge_erased(settings: Any, erased: Callable[[set[str]], set[str]], limit: int = 1000) -> int:
    """Delete dead letters about children whose data this service has erased."""
    purged = 0
    with _dead_messages(settings, limit) as (_connection, messages):
        children = {child_of(m) for m in messages} - {None}
        gone = erased(children) if children else set()  # type: ignore[arg-type]
        for message in messages:
            if child_of(message) in gone:
                message.ack()
                purged += 1
    return purged


def purge_child(settings: Any, child_id: str, limit: int = 10000) -> int:
    """Delete the service's dead letters about one child; return how many were deleted."""
    purged = 0
    with _dead_messages(settings, limit) as (_connection, messages):
        for message in messages:
            if about_child(message, child_id):
                message.ack()
                purged += 1
    return purged


def main(argv: list[str] | None = None) -> int:
    """List, show or replay a service's dead-lettered events."""
    parser = argparse.ArgumentParser(prog="python -m shared.deadletters", description=__doc__)
    parser.add_argument("command", choices=("list", "show", "replay", "purge"))
    parser.add_argument("service", choices=[s for s, t in SUBSCRIPTIONS.items() if t])
    parser.add_argument("--id", dest="message_id", help="only the message with this id")
    parser.add_argument("--all", action="store_true", help="replay every dead letter")
    parser.add_argument("--limit", type=int, default=1000)
    parser.add_argument("--body-file", help="replay: send this corrected JSON body instead")
    parser.add_argument("--child", help="purge: the child whose dead letters are deleted")
    args = parser.parse_args(argv)
    if args.command == "replay" and not (args.all or args.message_id):
        parser.error("replay needs --id ID or --all")
    if args.command == "purge" and not args.child:
        parser.error("purge needs --child ID")
    settings = load_settings(args.service, dict(os.environ))
    if args.command == "purge":
        print(json.dumps({"purged": purge_child(settings, args.child, args.limit)}))
        return 0
    with _dead_messages(settings, args.limit) as (_connection, messages):
        chosen = [
            m for m in messages if not args.message_id or _summary(m)["id"] == args.message_id
        ]
        if args.command == "replay":
            count = _replay(settings, chosen, args.body_file)
            print(json.dumps({"replayed": count}))
            return 0 if count or not args.message_id else 1
        for message in chosen:
            line = _summary(message)
            if args.command == "show":
                body = (
                    message.body.decode("utf-8", "replace")
                    if isinstance(message.body, bytes)
                    else message.body
                )
                line["body"] = body
                line["headers"] = {k: str(v) for k, v in (message.headers or {}).items()}
            print(json.dumps(line, ensure_ascii=False, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
