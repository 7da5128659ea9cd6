"""Creating the portal app changes nothing else in the process."""

from __future__ import annotations

import logging
import shutil

from services.portal.app import create_app
from services.portal.settings import PortalSettings
from shared.testing import TEST_JWT_SECRET


def test_creating_the_portal_leaves_the_root_logger_alone(tmp_path, fake_apis, portal_database):
    root = logging.getLogger()
    before = (list(root.handlers), root.level)
    shutil.copyfile(portal_database, tmp_path / "portal.db")
    settings = PortalSettings(
        database_url=f"sqlite:///{tmp_path / 'portal.db'}",
        secret_key="s" * 40,
        jwt_secret=TEST_JWT_SECRET,
        testing=True,
    )
    create_app(settings, apis=fake_apis)
    assert (list(root.handlers), root.level) == before
