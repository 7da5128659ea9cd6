"""Real Kannel for tests: bearerbox, smsbox and the fake SMS centre on free ports."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import threading
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, unquote_to_bytes

import pytest
import requests

from shared.testing import wait_for
from shared.testing.fixtures import IN_CI
from shared.testing.ports import free_port

BEARERBOX = "/usr/sbin/bearerbox"
SMSBOX = "/usr/sbin/smsbox"
FAKESMSC = "/usr/lib/kannel/test/fakesmsc"
BINARIES = (BEARERBOX, SMSBOX, FAKESMSC)
ADMIN_PASSWORD = "admin-test-password"
USERNAME = "platform"
PASSWORD = "sendsms-test-password"
SMSC_NUMBER = "1234"  # the short number families reply to

_GOT = re.compile(r"Got message \d+: <(.*)>$")


def missing_binaries() -> list[str]:
    """The Kannel programs this machine lacks (packages kannel and kannel-extras)."""
    return [path for path in BINARIES if not os.access(path, os.X_OK)]


def require_kannel() -> None:
    """Fail under CI=true, skip elsewhere, when the Kannel programs are not installed."""
    missing = missing_binaries()
    if not missing:
        return
    message = f"Kannel is missing ({', '.join(missing)}): apt-get install kannel kannel-extras"
    if IN_CI:
        pytest.fail(f"CI: {message}", pytrace=False)
    pytest.skip(message)


@dataclass(frozen=True)
class Part:
    """One SMS the fake SMS centre received from Kannel (one segment of a long message)."""

    sender: str
    receiver: str
    kind: str  # how fakesmsc printed it: text (GSM alphabet), ucs-2, or data (binary)
    udh: bytes
    data: bytes

    @property
    def text(self) -> str:
        """The part's text: UTF-16BE unless fakesmsc printed it as plain text."""
        if self.kind == "text":
            return self.data.decode("utf-8")
        return self.data.decode("utf-16-be")

    @property
    def part_of(self) -> tuple[int, int] | None:
        """(number, total) from a concatenation header, None for a single SMS."""
        if len(self.udh) >= 6 and self.udh[1] == 0x00:
            return self.udh[5], self.udh[4]
        return None


def _bytes(word: str) -> bytes:
    """Undo Kannel's URL encoding (a space is `+`)."""
    return unquote_to_bytes(word.replace("+", "%20"))


def parse_part(line: str) -> Part | None:
    """Parse fakesmsc's `Got message N: <from to [udh H] type data>` line."""
    found = _GOT.search(line.strip())
    if not found:
        return None
    sender, receiver, *words = found.group(1).split(" ")
    udh = b""
    if words and words[0] == "udh":
        udh, words = _bytes(words[1]), words[2:]
    kind, rest = words[0], " ".join(words[1:])
    data = rest.encode("utf-8") if kind == "text" else _bytes(rest)
    return Part(sender, receiver, kind, udh, data)


@dataclass
class KannelBox:
    """bearerbox + smsbox + fakesmsc with config in `folder`; callbacks go to `callback_base`."""

    folder: Path
    inbound_url: str
    admin_port: int = field(default_factory=free_port)
    smsbox_port: int = field(default_factory=free_port)
    smsc_port: int = field(default_factory=free_port)
    sendsms_port: int = field(default_factory=free_port)
    parts: list[Part] = field(default_factory=list)
    _procs: dict[str, subprocess.Popen] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def sendsms_url(self) -> str:
        return f"http://127.0.0.1:{self.sendsms_port}/cgi-bin/sendsms"

    @property
    def conf(self) -> Path:
        return self.folder / "kannel.conf"

    def write_conf(self) -> None:
        """Write the test configuration: one fake SMSC, one sendsms user, one sms-service."""
        log = self.folder
        self.conf.write_text(
            f"""group = core
admin-port = {self.admin_port}
admin-password = {ADMIN_PASSWORD}
status-password = {ADMIN_PASSWORD}
smsbox-port = {self.smsbox_port}
admin-allow-ip = "127.0.0.1"
box-allow-ip = "127.0.0.1"
log-file = "{log}/bearerbox.log"
log-level = 0
dlr-storage = internal
store-type = file
store-location = "{log}/bearerbox.store"

group = smsc
smsc = fake
smsc-id = fake
port = {self.smsc_port}
connect-allow-ip = "127.0.0.1"

group = smsbox
bearerbox-host = 127.0.0.1
bearerbox-port = {self.smsbox_port}
sendsms-port = {self.sendsms_port}
mo-recode = true
log-file = "{log}/smsbox.log"
log-level = 0

group = sendsms-user
username = {USERNAME}
password = {PASSWORD}
max-messages = 10
concatenation = true

group = sms-service
keyword = default
catch-all = true
max-messages = 0
get-url = "{self.inbound_url}"
""",
            encoding="utf-8",
        )

    # -- processes -------------------------------------------------------------------------
    def _spawn(self, name: str, argv: list[str], **kwargs) -> subprocess.Popen:
        pidfile = self.folder / f"{name}.pid"
        pidfile.unlink(missing_ok=True)  # a stale pid file stops the box from starting
        with open(self.folder / f"{name}.out", "ab") as out:  # the child keeps its own copy
            proc = subprocess.Popen(
                argv, stdout=kwargs.pop("stdout", out), stderr=subprocess.STDOUT, **kwargs
            )
        self._procs[name] = proc
        return proc

    def start(self) -> KannelBox:
        """Start bearerbox, then the fake SMS centre and smsbox once bearerbox runs."""
        self.write_conf()
        self.start_bearerbox()
        self.start_fakesmsc()
        self.start_smsbox()
        return self

    def start_bearerbox(self) -> None:
        pid = str(self.folder / "bearerbox.pid")
        self._spawn("bearerbox", [BEARERBOX, "-v", "1", "-p", pid, str(self.conf)])
        wait_for(self.bearerbox_running, timeout=30, message="bearerbox running")

    def start_smsbox(self) -> None:
        pid = str(self.folder / "smsbox.pid")
        self._spawn("smsbox", [SMSBOX, "-v", "1", "-p", pid, str(self.conf)])
        wait_for(self.sendsms_answers, timeout=30, message="smsbox's sendsms port open")

    def start_fakesmsc(self) -> None:
        proc = self._spawn(
            "fakesmsc",
            [FAKESMSC, "-H", "127.0.0.1", "-r", str(self.smsc_port), "-i", "0", "-v", "0"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        threading.Thread(target=self._read_fakesmsc, args=(proc,), daemon=True).start()
        wait_for(self.smsc_online, timeout=30, message="the fake SMS centre connected")

    def _read_fakesmsc(self, proc: subprocess.Popen) -> None:
        with open(self.folder / "fakesmsc.out", "a", encoding="utf-8") as log:
            for raw in proc.stdout:  # type: ignore[union-attr]
                line = raw.decode("utf-8", "replace")
                log.write(line)
                part = parse_part(line)
                if part is not None:
                    with self._lock:
                        self.parts.append(part)

    def status(self) -> str:
        try:
            answer = requests.get(
                f"http://127.0.0.1:{self.admin_port}/status.txt",
                params={"password": ADMIN_PASSWORD},
                timeout=2,
            )
        except requests.RequestException:
            return ""
        return answer.text

    def bearerbox_running(self) -> bool:
        return "running" in self.status()

    def smsc_online(self) -> bool:
        return "fake" in self.status() and "online" in self.status()

    def sendsms_answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.sendsms_port), timeout=1):
                return True
        except OSError:
            return False

    def send_from_phone(self, phone: str, text: str) -> None:
        """Type an SMS at the fake SMS centre as the family's phone would send it."""
        if text.isascii():
            line = f"{phone} {SMSC_NUMBER} text {text}\n"
        else:
            line = f"{phone} {SMSC_NUMBER} ucs2 {quote(text.encode('utf-16-be'))}\n"
        proc = self._procs["fakesmsc"]
        proc.stdin.write(line.encode())  # type: ignore[union-attr]
        proc.stdin.flush()  # type: ignore[union-attr]

    def received(self, receiver: str | None = None) -> list[Part]:
        with self._lock:
            return [p for p in self.parts if receiver is None or p.receiver == receiver]

    def pause(self, name: str) -> None:
        self._procs[name].send_signal(signal.SIGSTOP)

    def resume(self, name: str) -> None:
        self._procs[name].send_signal(signal.SIGCONT)

    def stop_process(self, name: str) -> None:
        proc = self._procs.pop(name, None)
        if proc is None:
            return
        proc.send_signal(signal.SIGCONT)
        if proc.stdin:
            proc.stdin.close()
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)

    def stop(self) -> None:
        """Stop every process this box started (smsbox first, bearerbox last)."""
        for name in ("smsbox", "fakesmsc", "bearerbox"):
            self.stop_process(name)

    def logs(self) -> str:
        return "\n".join(
            f"--- {p.name}\n{p.read_text('utf-8', 'replace')[-3000:]}"
            for p in sorted(self.folder.glob("*.log")) + sorted(self.folder.glob("*.out"))
        )
