"""Read docker-compose.yml the way compose does: its app processes, defaults and commands."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]


def compose_processes() -> dict[str, dict[str, Any]]:
    """Return docker-compose.yml's migrate, API and worker services by name."""
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    return {name: spec for name, spec in compose["services"].items() if "build" in spec}


def compose_default(value: str) -> str:
    """Return what compose would use for a value when the variable itself is not set."""

    def default(match: re.Match) -> str:
        if match.group(2) in (":?", "?"):
            raise ValueError(f"{match.group(1)} is required by compose; give it a test value")
        return match.group(3)

    return re.sub(r"\$\{(\w+)(:-|-|:\?|\?)?([^}]*)\}", default, str(value))


def local_argv(argv: list[str]) -> list[str]:
    """Map the image's commands onto this interpreter's environment."""
    executables = {
        "python": sys.executable,
        "gunicorn": str(Path(sys.executable).parent / "gunicorn"),
    }
    return [executables.get(argv[0], argv[0]), *argv[1:]]
