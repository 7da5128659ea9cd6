"""The server-less broker of the local run: kombu's filesystem transport, made crash-safe.

kombu's own filesystem channel creates a message file and then writes into it, and moves files
out through the system temp folder; a reader can take a half-written file and lose it. Here a
message is written under a temporary name and renamed into place (atomic on one filesystem),
and taken by an atomic rename inside the same folder.
"""

from __future__ import annotations

import os
import uuid
from time import monotonic

from kombu.transport import filesystem, virtual
from kombu.utils.encoding import bytes_to_str, str_to_bytes
from kombu.utils.json import dumps, loads


class Channel(filesystem.Channel):
    """A filesystem channel whose put and get are atomic renames."""

    def _put(self, queue: str, payload: dict, **kwargs: object) -> None:
        name = f"{int(round(monotonic() * 1000)):015d}_{uuid.uuid4()}.{queue}.msg"
        final = os.path.join(self.data_folder_out, name)
        temporary = os.path.join(self.data_folder_out, f".tmp-{uuid.uuid4()}")
        with open(temporary, "wb") as handle:
            handle.write(str_to_bytes(dumps(payload)))
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, final)

    def _queue_bind(self, exchange: str, routing_key: str, pattern: str, queue: str) -> None:
        # kombu creates a missing routing table with open("wb") and only then locks and writes
        # it: a process reading at that moment finds an empty file, which is not JSON. The
        # table is made here whole (empty) by an atomic link, so kombu only ever updates it.
        table = self._exchange_file(exchange)
        self.control_folder.mkdir(exist_ok=True)
        if not table.exists():
            temporary = table.with_name(f".tmp-{uuid.uuid4()}")
            temporary.write_bytes(b"[]")
            try:
                os.link(temporary, table)
            except FileExistsError:
                pass  # another process made it first
            finally:
                temporary.unlink()
        super()._queue_bind(exchange, routing_key, pattern, queue)

    def _taken_folder(self) -> str:
        folder = os.path.join(self.data_folder_in, ".taken")
        os.makedirs(folder, exist_ok=True)
        return folder

    def _get(self, queue: str) -> dict:
        wanted = f"{queue}.msg"
        taken = self._taken_folder()
        for name in sorted(os.listdir(self.data_folder_in)):
            if name.startswith(".") or name.partition(".")[2] != wanted:
                continue
            target = os.path.join(taken, f"{os.getpid()}-{name}")
            try:
                os.rename(os.path.join(self.data_folder_in, name), target)
            except OSError:
                continue  # another process took it first
            with open(target, "rb") as handle:
                payload = handle.read()
            os.remove(target)
            return loads(bytes_to_str(payload))
        raise filesystem.Empty()


class Transport(filesystem.Transport):
    """The filesystem transport with the atomic channel and a broker state of its own.

    kombu keeps declared bindings in one class-level state per process and skips writing a
    binding it has seen before, so a second broker folder in the same process (tests) never
    got its routing table. Each connection here declares the whole topology anyway.
    """

    Channel = Channel

    def __init__(self, client: object, **kwargs: object) -> None:
        super().__init__(client, **kwargs)
        self.state = virtual.BrokerState()
