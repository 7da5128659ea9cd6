"""The APIs started as deployed (gunicorn with deploy/gunicorn.conf.py) log JSON lines."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from shared.config import ENV_NAMES
from shared.testing import wait_for
from shared.testing.ports import free_port
from tests.deploy.entrypoints import ROOT

GUNICORN = str(Path(sys.executable).with_name("gunicorn"))


def json_lines(path: Path) -> list[dict]:
    lines = []
    for line in path.read_text(errors="replace").splitlines():
        if line.startswith("{"):
            lines.append(json.loads(line))
    return lines


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


# The APIs log every request; the portal logs its development-secret warning at start.
@pytest.mark.parametrize(
    ("app", "name", "message"),
    [("intake", "intake-api", "request"), ("portal", "portal", "PORTAL_SECRET_KEY is not set")],
)
def test_a_gunicorn_worker_logs_json_lines_under_its_name(tmp_path, app, name, message):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ENV_NAMES}
    env.update(DATA_DIR=str(tmp_path), GUNICORN_CMD_ARGS=f"--bind 127.0.0.1:{port} --workers 1")
    log = tmp_path / "api.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [GUNICORN, "--config", "deploy/gunicorn.conf.py", f"services.{app}.app:create_app()"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        url = f"http://127.0.0.1:{port}/healthz"
        wait_for(lambda: answers(url), timeout=60, message=f"{app} answering /healthz")

        def logged() -> list[dict]:
            lines = json_lines(log)
            return [x for x in lines if x["service"] == name and x["msg"].startswith(message)]

        wait_for(logged, timeout=10, message=f"a JSON line {message!r} from {name}")
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
