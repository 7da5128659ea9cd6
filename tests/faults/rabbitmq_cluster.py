"""A three-node RabbitMQ cluster from the system's rabbitmq-server, beside the machine's own node.

Each node has its own AMQP port, distribution port, node name, data, log and config folders
under one base folder, and an Erlang cookie of its own (so the command-line tools used here can
only ever reach these nodes, never the node on 5672). The server runs as the `rabbitmq` user,
so the folders are made theirs. They share the machine's epmd, which is fine: names differ.

    python -m tests.faults.rabbitmq_cluster start [--base DIR]   # prints the failover URL
    python -m tests.faults.rabbitmq_cluster stop --base DIR
"""

from __future__ import annotations

import argparse
import json
import os
import pwd
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from shared.testing import answers, wait_for
from shared.testing.ports import free_ports

SBIN = Path("/usr/lib/rabbitmq/bin")
USER = "rabbitmq"
NODES = 3
START_TIMEOUT = 180.0
STATE_FILE = "cluster.json"
# One scheduler each and no busy-waiting: three nodes share two cores with everything else.
ERL_ARGS = "+S 1:1 +sbwt none +sbwtdcpu none +sbwtdio none"
NODE_CONFIG = """\
listeners.tcp.default = {port}
loopback_users.guest = false
log.file.level = info
log.console = false
"""


@dataclass
class Node:
    """One node: its name, ports and folder."""

    name: str
    amqp_port: int
    dist_port: int
    folder: Path

    @property
    def short(self) -> str:
        """The node name without the host."""
        return self.name.split("@", 1)[0]


class RabbitCluster:
    """Start, cluster, stop and restart three local RabbitMQ nodes."""

    def __init__(self, base: Path, nodes: list[Node]) -> None:
        self.base = base
        self.nodes = nodes
        self.servers: dict[str, subprocess.Popen] = {}

    # --- building ------------------------------------------------------------------------------
    @classmethod
    def create(cls, base: Path | None = None, prefix: str = "ei-cluster") -> RabbitCluster:
        """Lay out folders, ports and a cookie for three nodes (nothing is started yet)."""
        base = base or Path(tempfile.mkdtemp(prefix="ei-rabbitmq-"))
        base.mkdir(parents=True, exist_ok=True)
        os.chmod(base, 0o755)  # the rabbitmq user must reach its folders inside
        tag = secrets.token_hex(3)
        ports = iter(free_ports(2 * NODES))
        nodes = [
            Node(f"{prefix}-{tag}-{i}@localhost", next(ports), next(ports), base / f"n{i}")
            for i in range(1, NODES + 1)
        ]
        cluster = cls(base, nodes)
        cluster._lay_out()
        cluster.save()
        return cluster

    @classmethod
    def started(cls, attempts: int = 2) -> RabbitCluster:
        """Create and start a cluster, on fresh ports again if a node does not boot.

        The ports are free when chosen, but another process of a parallel test run can take
        one before the node binds it: the node then stops at boot, while the port answers for
        someone else. Each failed attempt is cleaned away; the last one's error carries the
        nodes' logs.
        """
        for attempt in range(1, attempts + 1):
            cluster = cls.create()
            try:
                return cluster.start()
            except RuntimeError as exc:
                logs = cluster.log_tails()
                try:
                    cluster.remove()
                except Exception:  # a node that will not stop: keep the first error in view
                    shutil.rmtree(cluster.base, ignore_errors=True)
                if attempt == attempts:
                    raise RuntimeError(f"{exc}\n{logs}") from exc
                print(f"RabbitMQ cluster did not start ({exc}); again on fresh ports\n{logs}",
                      file=sys.stderr)  # fmt: skip
        raise AssertionError("unreachable")

    def log_tails(self, lines: int = 15) -> str:
        """The last lines of every node's logs."""
        parts = []
        for node in self.nodes:
            for path in sorted((node.folder / "log").glob("*")):
                text = path.read_text(errors="replace").splitlines()[-lines:]
                parts.append(f"--- {node.short} {path.name}\n" + "\n".join(text))
        return "\n".join(parts)

    @classmethod
    def load(cls, base: Path) -> RabbitCluster:
        """Return the cluster described by a base folder made by create()."""
        state = json.loads((base / STATE_FILE).read_text())
        nodes = [Node(n["name"], n["amqp_port"], n["dist_port"], Path(n["folder"])) for n in state]
        return cls(base, nodes)

    def save(self) -> None:
        """Write the nodes' names and ports, for the command line's stop."""
        rows = [{**n.__dict__, "folder": str(n.folder)} for n in self.nodes]
        (self.base / STATE_FILE).write_text(json.dumps(rows, indent=2))

    def _lay_out(self) -> None:
        home = self.base / "home"
        home.mkdir(exist_ok=True)
        cookie = home / ".erlang.cookie"
        cookie.write_text(secrets.token_hex(20).upper())
        os.chmod(cookie, 0o400)
        (self.base / "rabbitmq-env.conf").write_text("ERL_EPMD_ADDRESS=127.0.0.1\n")
        for node in self.nodes:
            for sub in ("data", "log", "conf.d"):
                (node.folder / sub).mkdir(parents=True, exist_ok=True)
            (node.folder / "rabbitmq.conf").write_text(NODE_CONFIG.format(port=node.amqp_port))
            (node.folder / "enabled_plugins").write_text("[].\n")
        _give_to_server_user(self.base)

    # --- URLs ----------------------------------------------------------------------------------
    def url(self, index: int, user: str = "guest:guest") -> str:
        """The AMQP URL of one node."""
        return f"amqp://{user}@127.0.0.1:{self.nodes[index].amqp_port}//"

    def failover_url(self) -> str:
        """The kombu failover URL naming every node (`amqp://…;amqp://…`)."""
        return ";".join(self.url(i) for i in range(len(self.nodes)))

    # --- running -------------------------------------------------------------------------------
    def start(self) -> RabbitCluster:
        """Start the three nodes and join the second and third to the first."""
        for node in self.nodes:
            self.start_node(node, wait=False)
        for node in self.nodes:
            self.wait_started(node)
        first = self.nodes[0]
        for node in self.nodes[1:]:
            self.ctl(node, "stop_app")
            self.ctl(node, "join_cluster", first.name)
            self.ctl(node, "start_app")
        self.ctl(first, "await_online_nodes", str(len(self.nodes)))
        return self

    def start_node(self, node: Node, wait: bool = True) -> None:
        """Start (or restart) one node; it rejoins the cluster it belonged to."""
        log = (node.folder / "log" / "server.out").open("ab")
        self.servers[node.name] = subprocess.Popen(
            _as_server_user([str(SBIN / "rabbitmq-server")], self._env(node)),
            cwd=node.folder,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        if wait:
            self.wait_started(node)

    def stop_node(self, node: Node) -> None:
        """Stop one node's Erlang VM the orderly way (as a host shutdown would)."""
        self.ctl(node, "stop", check=False)
        server = self.servers.pop(node.name, None)
        if server is not None:
            _reap(server)
        wait_for(lambda: not answers("127.0.0.1", node.amqp_port), 60, interval=0.2,
                 message=f"{node.short} to stop")  # fmt: skip

    def stop(self) -> None:
        """Stop every node that still runs."""
        for node in self.nodes:
            if answers("127.0.0.1", node.amqp_port) or node.name in self.servers:
                self.stop_node(node)

    def remove(self) -> None:
        """Stop every node and delete the base folder."""
        self.stop()
        shutil.rmtree(self.base, ignore_errors=True)

    def leader(self, queue: str) -> Node:
        """Return the node leading a quorum queue, asking any node that runs."""
        running = [n for n in self.nodes if answers("127.0.0.1", n.amqp_port)]
        out = self.ctl(running[0], "list_queues", "name", "leader", "--formatter", "json", "-q")
        row = next(q for q in json.loads(out) if q["name"] == queue)
        return next(n for n in self.nodes if n.name == row["leader"])

    def ctl(self, node: Node, *args: str, check: bool = True) -> str:
        """Run rabbitmqctl against one of these nodes (their cookie, never the main node's)."""
        argv = [str(SBIN / "rabbitmqctl"), "-n", node.name, *args]
        done = subprocess.run(
            _as_server_user(argv, self._env(node)),
            cwd=self.base,
            capture_output=True,
            text=True,
            timeout=START_TIMEOUT,
        )
        if check and done.returncode != 0:
            raise RuntimeError(f"rabbitmqctl {' '.join(args)} on {node.short}: {done.stderr}")
        return done.stdout

    def wait_started(self, node: Node) -> None:
        """Wait until a node started by start_node(wait=False) is up and running."""
        server = self.servers.get(node.name)

        def up() -> bool:
            if server is not None and server.poll() is not None:
                raise RuntimeError(f"{node.short} exited; see {node.folder / 'log'}")
            return answers("127.0.0.1", node.amqp_port)

        wait_for(up, START_TIMEOUT, interval=0.5, message=f"RabbitMQ node {node.short}")
        self.ctl(node, "await_startup")

    def _env(self, node: Node) -> dict[str, str]:
        return {
            "PATH": os.environ.get("PATH", "/usr/sbin:/usr/bin:/sbin:/bin"),
            "HOME": str(self.base / "home"),
            "LANG": "C.UTF-8",
            "RABBITMQ_CONF_ENV_FILE": str(self.base / "rabbitmq-env.conf"),
            "RABBITMQ_NODENAME": node.name,
            "RABBITMQ_NODE_IP_ADDRESS": "127.0.0.1",
            "RABBITMQ_NODE_PORT": str(node.amqp_port),
            "RABBITMQ_DIST_PORT": str(node.dist_port),
            "RABBITMQ_MNESIA_BASE": str(node.folder / "data"),
            "RABBITMQ_LOG_BASE": str(node.folder / "log"),
            "RABBITMQ_CONFIG_FILE": str(node.folder / "rabbitmq.conf"),
            "RABBITMQ_CONFIG_FILES": str(node.folder / "conf.d"),
            "RABBITMQ_ADVANCED_CONFIG_FILE": str(node.folder / "advanced.config"),
            "RABBITMQ_ENABLED_PLUGINS_FILE": str(node.folder / "enabled_plugins"),
            "RABBITMQ_PID_FILE": str(node.folder / "rabbitmq.pid"),
            "RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS": ERL_ARGS,
            "ERL_EPMD_ADDRESS": "127.0.0.1",
        }


def server_user_exists() -> bool:
    """True when the `rabbitmq` user the server runs as exists on this machine."""
    try:
        pwd.getpwnam(USER)
        return True
    except KeyError:
        return False


def _as_server_user(argv: list[str], env: dict[str, str]) -> list[str]:
    """The command line that runs argv as the rabbitmq user with exactly this environment."""
    pairs = [f"{k}={v}" for k, v in env.items()]
    if os.geteuid() == pwd.getpwnam(USER).pw_uid:
        return ["env", "-i", *pairs, *argv]
    if os.geteuid() != 0:
        raise PermissionError("starting RabbitMQ nodes needs root or the rabbitmq user")
    return ["runuser", "-u", USER, "--", "env", "-i", *pairs, *argv]


def _give_to_server_user(base: Path) -> None:
    account = pwd.getpwnam(USER)
    for folder, dirs, files in os.walk(base):
        for name in [folder, *(os.path.join(folder, d) for d in dirs),
                     *(os.path.join(folder, f) for f in files)]:  # fmt: skip
            os.chown(name, account.pw_uid, account.pw_gid)


def _reap(server: subprocess.Popen, timeout: float = 60.0) -> None:
    try:
        server.wait(timeout)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


def main(argv: list[str] | None = None) -> int:
    """Start or stop a local three-node cluster from the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=("start", "stop"))
    parser.add_argument("--base", type=Path, help="folder of the nodes (start: made if absent)")
    args = parser.parse_args(argv)
    if args.action == "start":
        cluster = RabbitCluster.create(args.base).start()
        print(json.dumps({"base": str(cluster.base), "broker_url": cluster.failover_url()}))
        return 0
    if args.base is None:
        parser.error("stop needs --base")
    RabbitCluster.load(args.base).stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
