"""Stopping and starting the local servers for fault tests (the machine's own service commands)."""

from __future__ import annotations

import subprocess

from shared.testing import DEFAULT_RABBITMQ_URL, url_answers, wait_for


def stop_rabbitmq() -> None:
    """Stop the RabbitMQ application (the node stays up; durable queues keep their messages)."""
    subprocess.run(["rabbitmqctl", "stop_app"], check=True, capture_output=True, timeout=120)


def start_rabbitmq(url: str = DEFAULT_RABBITMQ_URL) -> None:
    """Start the RabbitMQ application again and wait until it accepts connections."""
    subprocess.run(["rabbitmqctl", "start_app"], check=True, capture_output=True, timeout=120)
    subprocess.run(["rabbitmqctl", "await_startup"], check=False, capture_output=True, timeout=120)
    wait_for(lambda: url_answers(url, 5672), timeout=60, message="RabbitMQ back")


def can_control_rabbitmq() -> bool:
    """True when rabbitmqctl is on this machine and answers."""
    try:
        return (
            subprocess.run(["rabbitmqctl", "status"], capture_output=True, timeout=60).returncode
            == 0
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
