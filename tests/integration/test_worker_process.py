"""A worker process starts from the environment alone and stops cleanly on SIGTERM."""

import os
import signal
import subprocess
import sys

import pytest

from shared.testing import wait_for


@pytest.mark.parametrize("service", ["intake", "assessment", "referral", "notifications"])
def test_worker_stops_cleanly_on_sigterm(tmp_path, service):
    env = {**os.environ, "DATA_DIR": str(tmp_path), "JWT_SECRET": "x" * 40, "LOG_LEVEL": "INFO"}
    env.pop("DATABASE_URL", None)
    env.pop("BROKER_URL", None)
    migrate = subprocess.run(
        [sys.executable, "-m", f"services.{service}.migrate"], env=env, timeout=60
    )
    assert migrate.returncode == 0
    log_path = tmp_path / "worker.log"
    with open(log_path, "w") as log:
        worker = subprocess.Popen(
            [sys.executable, "-m", f"services.{service}.worker"], env=env, stderr=log
        )
    try:
        wait_for(
            lambda: "worker started" in log_path.read_text(), timeout=30, message="worker start"
        )
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=30) == 0
    finally:
        if worker.poll() is None:
            worker.kill()
    assert '"worker stopped"' in log_path.read_text()
