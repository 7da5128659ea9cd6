"""The operator's guide documents every setting an operator can change."""

from __future__ import annotations

import pytest

from shared.config import ENV_NAMES
from tests.deploy.entrypoints import ROOT, gunicorn_conf_names

GUIDE = (ROOT / "deploy" / "OPERATIONS.md").read_text()


def test_every_environment_variable_is_documented():
    missing = [name for name in (*ENV_NAMES, *gunicorn_conf_names()) if f"`{name}`" not in GUIDE]
    assert not missing, f"add these to deploy/OPERATIONS.md: {missing}"


def test_the_dead_letter_commands_exist_as_documented(capsys):
    from shared.deadletters import main

    with pytest.raises(SystemExit):
        main(["--help"])
    usage = capsys.readouterr().out
    for option in ("--id", "--all", "--body-file"):
        assert option in usage
        assert option in GUIDE
    for command in ("list", "show", "replay"):
        assert command in usage
        assert f"python -m shared.deadletters {command} " in GUIDE
