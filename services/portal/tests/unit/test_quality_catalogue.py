"""The quality pages' catalogue translates only its own texts, and translates all of them."""

from __future__ import annotations

import pytest

from services.portal.tests.unit.test_ministry_catalogue import SOURCE, _ids


@pytest.mark.parametrize("lang", ["tg", "ru", "en"])
def test_no_msgid_is_shared_with_the_other_catalogues(lang):
    folder = SOURCE / lang / "LC_MESSAGES"
    others = set().union(*(_ids(folder / f"{d}.po") for d in ("messages", "casework", "ministry")))
    assert _ids(folder / "quality.po") & others == set()


@pytest.mark.parametrize("lang", ["tg", "ru"])
def test_every_text_is_translated_and_none_is_left_in_english(lang):
    from babel.messages.pofile import read_po

    with (SOURCE / lang / "LC_MESSAGES" / "quality.po").open("rb") as text:
        entries = [m for m in read_po(text) if m.id]
    empty = [m.id for m in entries if not m.string or not all(m.string)]
    english = [m.id for m in entries if m.string == m.id]
    assert (empty, english) == ([], [])
