"""Create (or renew) one portal user per role for the local run, with fresh passwords."""

from __future__ import annotations

import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# (username, role, districts, full name)
DEMO_USERS = [
    ("phw", "phw", "rudaki", "Малика Раҳимова"),
    ("sah", "sah_worker", "rudaki", "Фирӯза Назарова"),
    ("manager", "case_manager", "rudaki", "Дилшод Каримов"),
    ("provider", "provider", "", "Нигора Саидова"),
    ("admin", "admin", "", "Administrator"),
    ("inspector", "inspector", "", "Зарина Шарипова"),
]
ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def _password() -> str:
    return "-".join("".join(secrets.choice(ALPHABET) for _ in range(4)) for _ in range(3))


def _users(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    argv = [sys.executable, "-m", "services.portal.users", *args]
    return subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True)


def _ensure(env: dict[str, str], user: tuple[str, str, str, str], provider_id: str) -> str:
    username, role, districts, name = user
    password = _password()
    args = ["create", "--username", username, "--password", password, "--role", role]
    args += ["--name", name]
    if districts:
        args += ["--districts", districts]
    if role == "provider":
        args += ["--provider-id", provider_id]
    done = _users(env, *args)
    if done.returncode != 0 and "already taken" in done.stderr:
        done = _users(env, "reset-password", "--username", username, "--password", password)
    if done.returncode != 0:
        raise SystemExit(f"error: could not create the demo user {username}:\n{done.stderr}")
    return password


def demo_users(env: dict[str, str], data_dir: Path, provider_id: str) -> list[str]:
    """Create each demo user (new passwords every run); return the lines to print."""
    lines = []
    for user in DEMO_USERS:
        if user[1] == "provider" and not provider_id:
            lines.append("provider: no demo provider found, so no provider user")
            continue
        password = _ensure(env, user, provider_id)
        scope = user[2] or ("first demo provider" if user[1] == "provider" else "all districts")
        lines.append(f"{user[0]:<9} password {password}   ({user[1]}, {scope})")
    (data_dir / "demo-users.txt").write_text("\n".join(lines) + "\n")
    return lines
