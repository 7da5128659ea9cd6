"""python -m services.portal.users: exit codes and messages; settings fail closed."""

from __future__ import annotations

import pytest

from services.portal.settings import SettingsError, load_portal_settings
from services.portal.users import main
from shared.migrations import upgrade


@pytest.fixture
def database(tmp_path, monkeypatch) -> str:
    url = f"sqlite:///{tmp_path / 'portal.db'}"
    upgrade("portal", url)
    monkeypatch.setenv("DATABASE_URL", url)
    return url


def test_create_disable_and_reset(database, capsys):
    assert main(["create", "--username", "Malika", "--password", "kqm7-x3ta-p9wd",
                 "--role", "phw", "--districts", "rudaki,vahdat"]) == 0  # fmt: skip
    assert main(["reset-password", "--username", "malika", "--password", "new-pass-2026!"]) == 0
    assert main(["disable", "--username", "malika"]) == 0
    assert "disabled malika" in capsys.readouterr().out


@pytest.mark.parametrize(
    "args,message",
    [
        (["--role", "nurse"], "unknown role"),
        (["--role", "phw", "--districts", "atlantis"], "unknown district"),
        (["--role", "phw"], "needs at least one district"),
        (["--role", "provider"], "provider id"),
        (["--role", "admin", "--password", "short"], "at least 10"),
    ],
)
def test_refusals_exit_non_zero_with_a_clear_message(database, capsys, args, message):
    argv = ["create", "--username", "someone", "--password", "long-enough-2026", *args]
    assert main(argv) == 1
    assert message in capsys.readouterr().err


def test_a_duplicate_username_and_an_unknown_user_are_refused(database, capsys):
    argv = ["create", "--username", "admin1", "--password", "long-enough-2026", "--role", "admin"]
    assert main(argv) == 0 and main(argv) == 1
    assert main(["disable", "--username", "nobody"]) == 1


def test_secrets_are_required_with_a_real_database():
    env = {"DATABASE_URL": "postgresql+psycopg://db/portal", "JWT_SECRET": "x" * 40}
    with pytest.raises(SettingsError, match="PORTAL_SECRET_KEY"):
        load_portal_settings(env)
    with pytest.raises(SettingsError, match="JWT_SECRET"):
        load_portal_settings({**env, "PORTAL_SECRET_KEY": "y" * 40, "JWT_SECRET": "short"})
    assert load_portal_settings({}).embedded  # the local run keeps development values
