"""Languages: Flask-Babel with Tajik by default; catalogues compiled from .po at start."""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask, g, request, session
from flask_babel import Babel

from services.portal.domain.roles import DEFAULT_LANGUAGE, LANGUAGES

SOURCE = Path(__file__).parent / "translations"
# Each page module's texts live in their own domain; all are read for every page.
DOMAINS = ("messages", "casework", "ministry", "quality", "careplans")


def compile_catalogues(source: Path = SOURCE) -> Path:
    """Compile every translations/<lang>/LC_MESSAGES/<domain>.po into a fresh .mo folder."""
    target = Path(tempfile.mkdtemp(prefix="portal-translations-"))
    atexit.register(shutil.rmtree, target, True)
    for po in source.glob("*/LC_MESSAGES/*.po"):
        out = target / po.relative_to(source).with_suffix(".mo")
        out.parent.mkdir(parents=True, exist_ok=True)
        with po.open("rb") as text:
            catalog = read_po(text, locale=po.parts[-3])
        with out.open("wb") as binary:
            write_mo(binary, catalog, use_fuzzy=False)
    return target


def select_language() -> str:
    """The page's language: ?lang=, then the user's profile, then the session, then Tajik.

    The profile, kept on the server, wins over the session cookie for a signed-in user: a
    request still in flight when the language was switched can bring back an older cookie.
    """
    wanted = request.args.get("lang", "")
    if wanted in LANGUAGES:
        return wanted
    user = g.get("user")
    if user is not None and user.language in LANGUAGES:
        return user.language
    chosen = session.get("lang")
    if chosen in LANGUAGES:
        return chosen
    return DEFAULT_LANGUAGE


def init_i18n(app: Flask) -> None:
    """Configure Flask-Babel so both the portal's and the case pages' catalogues are read."""
    compiled = str(compile_catalogues())
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = ";".join([compiled] * len(DOMAINS))
    app.config["BABEL_DOMAIN"] = ";".join(DOMAINS)
    app.config["BABEL_DEFAULT_LOCALE"] = DEFAULT_LANGUAGE
    app.config["BABEL_DEFAULT_TIMEZONE"] = "Asia/Dushanbe"
    Babel(app, locale_selector=select_language)
