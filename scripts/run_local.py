"""Run the whole platform on one machine: migrate, seed, start the portal, five APIs and five
workers, and create a demo user per role."""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

from demo_children import DISTRICTS as DEMO_DISTRICTS
from demo_children import register_demo_children
from demo_users import demo_users
from local_processes import Child, check_alive, run_steps, start, stop_all

ROOT = Path(__file__).resolve().parent.parent
PORTS = {
    "intake": 8001, "assessment": 8002, "referral": 8003, "notifications": 8004, "quality": 8005,
}  # fmt: skip
PORTAL_PORT = 8000
WEB_PORTS = {"portal": PORTAL_PORT, **PORTS}
HOST = "127.0.0.1"
# (variable in tokens.env, role, districts); the provider token also gets a provider id.
TOKENS = [
    ("PHW_TOKEN", "phw", "rudaki"),
    ("SAH_TOKEN", "sah_worker", "rudaki"),
    ("CM_TOKEN", "case_manager", "rudaki"),
    ("PROVIDER_TOKEN", "provider", ""),
    ("ADMIN_TOKEN", "admin", ""),
    ("INSPECTOR_TOKEN", "inspector", ""),
]


class Stop(Exception):
    """Raised by the signal handler so every wait unwinds into the cleanup."""


def embedded_env(data_dir: Path) -> dict[str, str]:
    """Return the environment of every process: embedded SQLite and broker under data_dir."""
    env = dict(os.environ, DATA_DIR=str(data_dir), PYTHONUNBUFFERED="1")
    env.setdefault("LOG_LEVEL", "INFO")
    for service, port in PORTS.items():
        # The portal reaches the APIs where this run put them.
        env[f"{service.upper()}_URL"] = f"http://{HOST}:{port}"
    for name in ("DATABASE_URL", "BROKER_URL"):
        # One shared URL would put four services in one database: embedded mode ignores them.
        if env.pop(name, None):
            print(f"note: {name} is set but ignored; the local run uses the embedded defaults")
    return env


def check_ports_free() -> None:
    """Exit with a clear message when one of the platform's ports is already taken."""
    for service, port in WEB_PORTS.items():
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            # As gunicorn does, so closed connections in TIME_WAIT do not count as "taken".
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                sock.bind((HOST, port))
            except OSError:
                sys.exit(
                    f"error: port {port} ({service}) is already in use. Stop whatever listens "
                    f"there (see: ss -ltnp 'sport = :{port}') or an earlier run-local, then retry."
                )


def long_running(logs: Path) -> list[Child]:
    """Return the five APIs and five workers, and the portal, not yet started."""
    python = sys.executable
    gunicorn = str(Path(python).with_name("gunicorn"))
    children = []
    for service, port in PORTS.items():
        api = [gunicorn, "--config", "deploy/gunicorn.conf.py", "--bind", f"{HOST}:{port}"]
        api += ["--workers", "1", "--threads", "2", f"services.{service}.app:create_app()"]
        children.append(Child(f"{service}-api", api, logs / f"{service}-api.log"))
        worker = [python, "-m", f"services.{service}.worker"]
        children.append(Child(f"{service}-worker", worker, logs / f"{service}-worker.log"))
    portal_bind = f"{HOST}:{WEB_PORTS['portal']}"
    portal = [gunicorn, "--config", "deploy/gunicorn.conf.py", "--bind", portal_bind]
    portal += ["--workers", "1", "--threads", "4", "services.portal.app:create_app()"]
    children.append(Child("portal", portal, logs / "portal.log"))
    return children


def http_get(url: str, token: str | None = None) -> tuple[int, bytes]:
    """GET a URL and return (status, body); connection errors count as status 0."""
    request = urllib.request.Request(url)
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=3) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
    except (urllib.error.URLError, OSError):
        return 0, b""


def wait_ready(children: list[Child], timeout: float) -> float:
    """Wait until the portal and every API answer /readyz with 200; return the seconds."""
    started = time.monotonic()
    pending = dict(WEB_PORTS)
    while pending:
        check_alive(children)
        for service, port in list(pending.items()):
            if http_get(f"http://{HOST}:{port}/readyz")[0] == 200:
                del pending[service]
        if time.monotonic() - started > timeout:
            names = ", ".join(pending)
            raise SystemExit(f"error: not ready after {timeout:.0f} s: {names} (see their logs)")
        time.sleep(0.3)
    return time.monotonic() - started


def mint_token(env: dict[str, str], role: str, districts: str, provider_id: str = "") -> str:
    """Return a development token from the platform's own token command."""
    argv = [sys.executable, "-m", "shared.auth", "token", "--role", role, "--sub", f"dev-{role}"]
    if districts:
        argv += ["--districts", districts]
    if provider_id:
        argv += ["--provider-id", provider_id]
    argv += ["--hours", "24"]
    out = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True)
    if out.returncode != 0 or not out.stdout.strip():
        raise SystemExit(f"error: could not mint a {role} token:\n{out.stderr[-2000:]}")
    return out.stdout.strip().splitlines()[-1]


def first_provider(admin_token: str) -> tuple[str, str]:
    """Return (id, name) of the first demo provider, or empty strings if there is none."""
    port = PORTS["referral"]
    status, body = http_get(f"http://{HOST}:{port}/providers?page_size=1", admin_token)
    items = json.loads(body).get("items", []) if status == 200 else []
    return (str(items[0]["id"]), items[0].get("name", "")) if items else ("", "")


def write_tokens(env: dict[str, str], data_dir: Path) -> list[str]:
    """Mint one token per role, save them to tokens.env and return the lines to print."""
    admin = mint_token(env, "admin", "")
    provider_id, provider_name = first_provider(admin)
    lines = []
    for variable, role, districts in TOKENS:
        if role == "provider" and not provider_id:
            lines.append(f"# {variable}: no demo provider found")
            continue
        pid = provider_id if role == "provider" else ""
        token = admin if role == "admin" else mint_token(env, role, districts, pid)
        scope = f"{provider_name} ({provider_id})" if role == "provider" else districts
        lines.append(f"export {variable}={token}   # {role} {scope}".rstrip())
    (data_dir / "tokens.env").write_text("\n".join(lines) + "\n")
    return lines


def banner(data_dir: Path, seconds: float, token_lines: list[str], user_lines: list[str]) -> str:
    """Return what the user reads once everything is up."""
    count = 2 * len(PORTS) + 1
    rows = [f"All {count} processes ready in {seconds:.1f} s. Data and logs: {data_dir}"]
    rows.append(f"\n  Open the portal: http://localhost:{WEB_PORTS['portal']}\n")
    for service, port in PORTS.items():
        rows.append(f"  {service:<14} http://{HOST}:{port}   (docs: /openapi.json)")
    rows.append(f"\nDevelopment tokens, valid 24 h (also in {data_dir / 'tokens.env'}):")
    rows += [f"  {line}" for line in token_lines]
    rows.append(f"\nPortal demo users (also in {data_dir / 'demo-users.txt'}):")
    rows += [f"  {line}" for line in user_lines]
    rows.append(f"\nIn another terminal: source {data_dir / 'tokens.env'}\nPress Ctrl-C to stop.")
    return "\n".join(rows)


def _on_signal(signum: int, _frame: object) -> None:
    raise Stop(signal.Signals(signum).name)


def bring_up(data_dir: Path, env: dict[str, str], timeout: float, children: list[Child]) -> None:
    """Migrate, seed, start everything, print the banner, then watch until a signal."""
    logs = data_dir / "logs"
    print(f"Migrating the {len(WEB_PORTS)} databases ...", flush=True)
    migrations = [_step(f"{s}-migrate", f"services.{s}.migrate", logs) for s in WEB_PORTS]
    run_steps(migrations, env, ROOT, children)
    print("Loading demo providers and service standards ...", flush=True)
    seeds = [_step(f"{s}-seed", f"services.{s}.seed", logs) for s in ("referral", "quality")]
    run_steps(seeds, env, ROOT, children)
    print("Starting the portal, five APIs and five workers ...", flush=True)
    services = [start(child, env, ROOT, children) for child in long_running(logs)]
    seconds = wait_ready(services, timeout)
    tokens = write_tokens(env, data_dir)
    registrar = mint_token(env, "case_manager", ",".join(DEMO_DISTRICTS))
    today = datetime.now(UTC).date()
    count = register_demo_children(f"http://{HOST}:{PORTS['intake']}", registrar, today)
    print(f"Demo children waiting outside Rudaki: {count}", flush=True)
    users = demo_users(env, data_dir, first_provider(mint_token(env, "admin", ""))[0])
    print(banner(data_dir, seconds, tokens, users), flush=True)
    while True:
        check_alive(services)
        time.sleep(0.5)


def main() -> int:
    """Run the platform in the foreground until Ctrl-C or SIGTERM."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data-dir", default=os.environ.get("DATA_DIR", "./var"))
    parser.add_argument("--ready-timeout", type=float, default=120.0)
    parser.add_argument(
        "--ports",
        help="intake,assessment,referral,notifications,quality ports instead of 8001-8005",
    )
    parser.add_argument("--portal-port", type=int, default=PORTAL_PORT, help="instead of 8000")
    args = parser.parse_args()
    if args.ports:
        PORTS.update(zip(PORTS, (int(p) for p in args.ports.split(",")), strict=True))
    WEB_PORTS.update(PORTS, portal=args.portal_port)
    data_dir = Path(args.data_dir).resolve()
    (data_dir / "logs").mkdir(parents=True, exist_ok=True)
    signal.signal(signal.SIGINT, _on_signal)
    signal.signal(signal.SIGTERM, _on_signal)
    check_ports_free()
    children: list[Child] = []
    try:
        bring_up(data_dir, embedded_env(data_dir), args.ready_timeout, children)
    except Stop as stop:
        print(f"\n{stop}: stopping ...", flush=True)
        return 0
    finally:
        # A second Ctrl-C must not skip the cleanup.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        stop_all(children)
        if children:
            print("All processes stopped.", flush=True)


def _step(name: str, module: str, logs: Path) -> Child:
    return Child(name, [sys.executable, "-m", module], logs / f"{name}.log")


if __name__ == "__main__":
    sys.exit(main())
