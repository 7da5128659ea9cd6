"""The ministry pages' catalogue translates only its own texts, so it changes no other page."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.pofile import read_po

SOURCE = Path(__file__).resolve().parents[2] / "translations"


def _ids(path: Path) -> set[str]:
    with path.open("rb") as text:
        return {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(text) if m.id}


@pytest.mark.parametrize("lang", ["tg", "ru", "en"])
def test_no_msgid_is_shared_with_the_other_catalogues(lang):
    folder = SOURCE / lang / "LC_MESSAGES"
    others = _ids(folder / "messages.po") | _ids(folder / "casework.po")
    assert _ids(folder / "ministry.po") & others == set()


@pytest.mark.parametrize("lang", ["tg", "ru"])
def test_every_text_is_translated(lang):
    with (SOURCE / lang / "LC_MESSAGES" / "ministry.po").open("rb") as text:
        empty = [m.id for m in read_po(text) if m.id and not m.string]
    assert empty == []
