"""The care plan pages' catalogue: its own texts only, and every text of the pages translated."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po

from services.portal.i18n import DOMAINS

PORTAL = Path(__file__).resolve().parents[2]
SOURCE = PORTAL / "translations"
PAGES = [
    ("python", PORTAL / "web" / "care_plans.py"),
    ("python", PORTAL / "web" / "care_plan_forms.py"),
    ("jinja2", PORTAL / "templates" / "careplans" / "plan.html"),
    ("jinja2", PORTAL / "templates" / "careplans" / "_plan_form.html"),
    ("jinja2", PORTAL / "templates" / "careplans" / "outcomes.html"),
]
KEYWORDS = {"_": None, "_l": None, "gettext": None, "ngettext": (1, 2)}


def _catalogue(lang: str, domain: str) -> dict[str, str]:
    with (SOURCE / lang / "LC_MESSAGES" / f"{domain}.po").open("rb") as text:
        return {m.id: m.string for m in read_po(text) if m.id and isinstance(m.id, str)}


def _texts() -> set[str]:
    found = set()
    for method, path in PAGES:
        for _line, message, _comments, _context in extract_from_file(
            method, str(path), keywords=KEYWORDS
        ):
            found.add(message if isinstance(message, str) else message[0])
    return found


@pytest.mark.parametrize("lang", ["tg", "ru", "en"])
def test_no_msgid_is_shared_with_the_other_catalogues(lang):
    others = set()
    for domain in DOMAINS:
        if domain != "careplans":
            others |= set(_catalogue(lang, domain))
    assert set(_catalogue(lang, "careplans")) & others == set()


@pytest.mark.parametrize("lang", ["tg", "ru"])
def test_every_text_of_the_pages_is_translated(lang):
    known = {}
    for domain in DOMAINS:
        known.update(_catalogue(lang, domain))
    texts = _texts()
    assert len(texts) > 60
    assert sorted(t for t in texts if not known.get(t)) == []
