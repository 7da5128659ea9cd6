"""Importing shared.web changes nothing outside it; services must use its Blueprint."""

from __future__ import annotations

import logging
import subprocess
import sys

import flask_smorest
import pytest
from sqlalchemy import MetaData

from shared.config import load_settings
from shared.runtime import Runtime, messaging_tables
from shared.web import Blueprint, JsonParser, build_app

PROBE = """
import flask_smorest
before = flask_smorest.Blueprint.ARGUMENTS_PARSER
import shared.web
after = flask_smorest.Blueprint.ARGUMENTS_PARSER
print(after is before, type(after).__module__ + "." + type(after).__qualname__)
"""


def test_importing_shared_web_leaves_flask_smorest_blueprint_untouched():
    answer = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, check=True, timeout=60
    )
    assert answer.stdout.split() == ["True", "webargs.flaskparser.FlaskParser"]
    assert not isinstance(flask_smorest.Blueprint.ARGUMENTS_PARSER, JsonParser)


def test_the_platform_blueprint_parses_with_the_platform_parser():
    assert issubclass(Blueprint, flask_smorest.Blueprint)
    assert isinstance(Blueprint("x", __name__).ARGUMENTS_PARSER, JsonParser)


def test_build_app_refuses_a_plain_flask_smorest_blueprint(tmp_path):
    metadata = MetaData()
    env = {"DATABASE_URL": f"sqlite:///{tmp_path}/t.db", "DATA_DIR": str(tmp_path)}
    runtime = Runtime(load_settings("intake", env), metadata, messaging_tables(metadata))
    plain = flask_smorest.Blueprint("plain", __name__, url_prefix="/plain")
    with pytest.raises(TypeError, match=r"'plain'.*shared\.web\.Blueprint"):
        build_app(runtime, title="Test", blueprints=[plain])
    build_app(runtime, title="Test", blueprints=[Blueprint("ours", __name__)])


def test_building_an_app_leaves_the_processs_logging_alone(tmp_path):
    root = logging.getLogger()
    before = (list(root.handlers), root.level)
    metadata = MetaData()
    env = {"DATABASE_URL": f"sqlite:///{tmp_path}/t.db", "DATA_DIR": str(tmp_path)}
    runtime = Runtime(load_settings("intake", env), metadata, messaging_tables(metadata))
    build_app(runtime, title="Test", blueprints=[Blueprint("ours", __name__)])
    assert (list(root.handlers), root.level) == before
