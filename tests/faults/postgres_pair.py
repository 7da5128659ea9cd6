"""A PostgreSQL primary with a synchronous streaming standby, from the system's binaries.

Both servers run as the `postgres` user on ports of their own, with data folders and sockets
under one base folder; the machine's own cluster (5432) is never touched. The standby is
promoted when the primary dies, as an operator (or CloudNativePG) would do.

    python -m tests.faults.postgres_pair start [--base DIR]   # prints the multi-host URL
    python -m tests.faults.postgres_pair stop --base DIR
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import pwd
import shutil
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from shared.testing import answers, wait_for
from shared.testing.ports import free_ports


def _newest_server_binaries() -> Path:
    """The bin folder of the newest PostgreSQL server installed (Debian's layout)."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"),
                   key=lambda p: int(p.parts[-3]) if p.parts[-3].isdigit() else 0)  # fmt: skip
    return found[-1].parent if found else Path("/usr/lib/postgresql/15/bin")


BIN = Path(os.environ.get("POSTGRES_BIN") or _newest_server_binaries())
USER = "postgres"
STANDBY_NAME = "ei_standby"
STATE_FILE = "pair.json"
COMMON = """
listen_addresses = '127.0.0.1'
port = {port}
unix_socket_directories = '{sockets}'
max_connections = 200
shared_buffers = 32MB
wal_level = replica
max_wal_senders = 5
hot_standby = on
fsync = off
synchronous_commit = on
"""
# Every commit on the primary waits until the standby has it: a promoted standby lost nothing.
PRIMARY = f"synchronous_standby_names = '{STANDBY_NAME}'\n"
# Once promoted it has no standby of its own; waiting for one would block every commit.
STANDBY = "synchronous_standby_names = ''\n"


@dataclass
class Server:
    """One PostgreSQL server: its role name, port and data folder."""

    name: str
    port: int
    data: Path

    @property
    def log(self) -> Path:
        return self.data.parent / f"{self.name}.log"


class PostgresPair:
    """Build, start, kill and promote a primary and its synchronous standby."""

    def __init__(self, base: Path, primary: Server, standby: Server) -> None:
        self.base = base
        self.primary = primary
        self.standby = standby

    @classmethod
    def create(cls, base: Path | None = None) -> PostgresPair:
        """Make the folders and choose the ports (nothing runs yet)."""
        base = base or Path(tempfile.mkdtemp(prefix="ei-postgres-"))
        base.mkdir(parents=True, exist_ok=True)
        os.chmod(base, 0o755)  # the postgres user must reach its folders inside
        (base / "sockets").mkdir(exist_ok=True)
        _give_to_postgres(base)
        first, second = free_ports(2)
        pair = cls(base, Server("primary", first, base / "primary"),
                   Server("standby", second, base / "standby"))  # fmt: skip
        pair.save()
        return pair

    @classmethod
    def load(cls, base: Path) -> PostgresPair:
        """The pair described by a base folder made by create()."""
        state = json.loads((base / STATE_FILE).read_text())
        servers = [Server(s["name"], s["port"], Path(s["data"])) for s in state]
        return cls(base, *servers)

    def save(self) -> None:
        rows = [{"name": s.name, "port": s.port, "data": str(s.data)} for s in self.servers]
        (self.base / STATE_FILE).write_text(json.dumps(rows, indent=2))

    @property
    def servers(self) -> tuple[Server, Server]:
        return self.primary, self.standby

    # --- URLs ----------------------------------------------------------------------------------
    def url(self, database: str = "postgres") -> str:
        """A SQLAlchemy URL naming both servers; libpq picks whichever accepts writes."""
        hosts = "&".join(f"host=127.0.0.1:{s.port}" for s in self.servers)
        return f"postgresql+psycopg://{USER}@/{database}?{hosts}&target_session_attrs=read-write"

    # --- running -------------------------------------------------------------------------------
    def start(self) -> PostgresPair:
        """Initialise the primary, clone the standby from it, and start both."""
        self._run("initdb", "-D", str(self.primary.data), "-U", USER, "-A", "trust",
                  "--no-sync", "-E", "UTF8", "--locale", "C.UTF-8")  # fmt: skip
        self._configure(self.primary, PRIMARY)
        self.start_server(self.primary)
        self._run("pg_basebackup", "-h", "127.0.0.1", "-p", str(self.primary.port), "-U", USER,
                  "-D", str(self.standby.data), "-R", "-X", "stream", "--no-sync",
                  "-d", f"application_name={STANDBY_NAME}")  # fmt: skip
        self._configure(self.standby, STANDBY)
        self.start_server(self.standby)
        wait_for(self.standby_is_synchronous, 60, interval=0.2, message="a synchronous standby")
        return self

    def start_server(self, server: Server) -> None:
        """Start one server and wait until it accepts connections."""
        self._run("pg_ctl", "-D", str(server.data), "-l", str(server.log), "-w", "-t", "120",
                  "start")  # fmt: skip

    def standby_is_synchronous(self) -> bool:
        """True when the primary reports its standby as synchronous."""
        sql = "SELECT sync_state FROM pg_stat_replication"
        return self._psql(self.primary, sql) == "sync"

    def kill_primary(self) -> None:
        """Kill the primary's postmaster and every backend of it with SIGKILL (a crash)."""
        pid = int((self.primary.data / "postmaster.pid").read_text().split()[0])
        for victim in [pid, *_children(pid)]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(victim, signal.SIGKILL)
        wait_for(lambda: not answers("127.0.0.1", self.primary.port), 30, interval=0.1,
                 message="the primary gone")  # fmt: skip

    def promote_standby(self) -> None:
        """Promote the standby to primary and wait until it accepts writes."""
        self._run("pg_ctl", "-D", str(self.standby.data), "-w", "promote")
        wait_for(lambda: self._psql(self.standby, "SELECT pg_is_in_recovery()") == "f", 60,
                 interval=0.2, message="the standby promoted")  # fmt: skip

    def stop(self) -> None:
        """Stop whichever server still runs (fast shutdown)."""
        for server in self.servers:
            if (server.data / "postmaster.pid").exists():
                self._run("pg_ctl", "-D", str(server.data), "-m", "fast", "-w", "stop",
                          check=False)  # fmt: skip

    def remove(self) -> None:
        """Stop both servers and delete the base folder."""
        self.stop()
        shutil.rmtree(self.base, ignore_errors=True)

    # --- internals -----------------------------------------------------------------------------
    def _configure(self, server: Server, extra: str) -> None:
        settings = COMMON.format(port=server.port, sockets=self.base / "sockets") + extra
        with (server.data / "postgresql.conf").open("a") as conf:
            conf.write("\n# fault-test pair\n" + settings)

    def _psql(self, server: Server, sql: str) -> str:
        done = subprocess.run(
            _as_postgres([str(BIN / "psql"), "-h", "127.0.0.1", "-p", str(server.port), "-U",
                          USER, "-d", "postgres", "-Atqc", sql]),
            capture_output=True, text=True, timeout=30,
        )  # fmt: skip
        return done.stdout.strip()

    def _run(self, tool: str, *args: str, check: bool = True) -> None:
        done = subprocess.run(_as_postgres([str(BIN / tool), *args]), cwd=self.base,
                              capture_output=True, text=True, timeout=180)  # fmt: skip
        if check and done.returncode != 0:
            raise RuntimeError(f"{tool} failed: {done.stderr or done.stdout}")


def postgres_user_exists() -> bool:
    """True when the `postgres` user exists on this machine."""
    try:
        pwd.getpwnam(USER)
        return True
    except KeyError:
        return False


def _as_postgres(argv: list[str]) -> list[str]:
    if os.geteuid() == pwd.getpwnam(USER).pw_uid:
        return argv
    if os.geteuid() != 0:
        raise PermissionError("running PostgreSQL servers needs root or the postgres user")
    return ["runuser", "-u", USER, "--", *argv]


def _give_to_postgres(base: Path) -> None:
    account = pwd.getpwnam(USER)
    for folder, dirs, _files in os.walk(base):
        for name in [folder, *(os.path.join(folder, d) for d in dirs)]:
            os.chown(name, account.pw_uid, account.pw_gid)


def _children(pid: int) -> list[int]:
    """The process ids whose parent is pid (the postmaster's backends)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry.name))
    return found


def main(argv: list[str] | None = None) -> int:
    """Start or stop a local primary and standby from the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=("start", "stop"))
    parser.add_argument("--base", type=Path, help="folder of the servers (start: made if absent)")
    args = parser.parse_args(argv)
    if args.action == "start":
        pair = PostgresPair.create(args.base).start()
        print(json.dumps({"base": str(pair.base), "postgres_url": pair.url()}))
        return 0
    if args.base is None:
        parser.error("stop needs --base")
    PostgresPair.load(args.base).stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
