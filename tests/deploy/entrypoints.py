"""What deploy files may start and set: the real entry points and environment names."""

from __future__ import annotations

import ast
import importlib
import importlib.util
from pathlib import Path

from shared.config import ENV_NAMES

ROOT = Path(__file__).resolve().parents[2]
GUNICORN_CONF = ROOT / "deploy" / "gunicorn.conf.py"
PORTS = {
    "intake": 8001, "assessment": 8002, "referral": 8003, "notifications": 8004, "quality": 8005,
}  # fmt: skip
# The web front end: an API process and a migration, no worker and no broker.
PORTAL_PORT = 8000
PORTAL_ENV = {
    "DATABASE_URL", "JWT_SECRET", "PORTAL_SECRET_KEY", "LOG_LEVEL", "INTAKE_URL",
    "ASSESSMENT_URL", "REFERRAL_URL", "NOTIFICATIONS_URL", "PORTAL_SECURE_COOKIES",
}  # fmt: skip

# The one list of what each service's processes must be given (contract §1 plus the project's
# own); every name must also be one that shared/config.py reads.
_BASE = {"DATABASE_URL", "BROKER_URL", "JWT_SECRET", "LOG_LEVEL"}
SERVICE_ENV = {
    "intake": _BASE,
    "assessment": _BASE | {"ASSESSMENT_DUE_DAYS_URGENT", "ASSESSMENT_DUE_DAYS_ROUTINE"},
    "referral": _BASE | {"REFERRAL_RESPONSE_HOURS"},
    "notifications": _BASE
    | {"SMS_GATEWAY", "SMS_HTTP_URL", "SMS_HTTP_TOKEN", "SMS_RECEIPT_SECRET", "QUIET_HOURS"},
    "quality": _BASE,
    "portal": PORTAL_ENV,
}
SECRETS = {
    "JWT_SECRET", "SMS_RECEIPT_SECRET", "SMS_HTTP_TOKEN", "BROKER_URL", "DATABASE_URL",
    "PORTAL_SECRET_KEY",
}  # fmt: skip


def gunicorn_conf_names() -> set[str]:
    """Return the environment names deploy/gunicorn.conf.py reads."""
    tree = ast.parse(GUNICORN_CONF.read_text())
    names = set()
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "get"
            and ast.unparse(node.func.value) == "os.environ"
            and isinstance(node.args[0], ast.Constant)
        ):
            names.add(node.args[0].value)
    return names


def known_names(api: bool) -> set[str]:
    """Return every name a process may be given: the code's, plus gunicorn's for an API."""
    return set(ENV_NAMES) | (gunicorn_conf_names() if api else set())


def entry_point_problem(argv: list[str]) -> str | None:
    """Return why argv does not start a real process of this project, or None if it does."""
    if argv[0] == "gunicorn":
        return _gunicorn_problem(argv)
    if argv[:2] == ["python", "-m"] and len(argv) == 3:
        return _module_problem(argv[2])
    return f"unexpected command {argv}"


def _gunicorn_problem(argv: list[str]) -> str | None:
    if "--config" not in argv or not (ROOT / argv[argv.index("--config") + 1]).is_file():
        return f"{argv}: no --config pointing at a file of the repository"
    module, _, call = argv[-1].partition(":")
    if call != "create_app()":
        return f"{argv[-1]}: gunicorn must call the app factory create_app()"
    if importlib.util.find_spec(module) is None:
        return f"{module} does not exist"
    if not callable(getattr(importlib.import_module(module), "create_app", None)):
        return f"{module} has no create_app"
    return None


def _module_problem(module: str) -> str | None:
    spec = importlib.util.find_spec(module)
    if spec is None:
        return f"{module} does not exist"
    if spec.submodule_search_locations is not None:
        if importlib.util.find_spec(f"{module}.__main__") is None:
            return f"{module} is a package without __main__"
        return None
    source = Path(spec.origin).read_text()
    if '__name__ == "__main__"' not in source and "__name__ == '__main__'" not in source:
        return f"{module} does nothing when run with python -m"
    return None


def service_of(process: str) -> str:
    """Return the service a process name belongs to, e.g. 'intake' for 'intake-api'."""
    return process.rsplit("-", 1)[0]
