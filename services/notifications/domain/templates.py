"""SMS texts as data: one JSON file per language, rendered with placeholders."""

from __future__ import annotations

import json
import re
import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from shared.localtime import to_local

from .sms import gsm_friendly, is_gsm7

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"
DEFAULT_LANGUAGE = "tg"
DEFAULT_MAX_SEGMENTS = 3
_LANGUAGE_FILE = re.compile(r"^[a-z]{2}\.json$")
_DATE = "%d.%m.%Y"
_TIME = "%H:%M"


class TemplateError(LookupError):
    """A template name or a placeholder value is missing."""


class _SmsFormatter(string.Formatter):
    """Format dates in Asia/Dushanbe: `{x}`, `{x:date}`, `{x:time}`."""

    def format_field(self, value: Any, format_spec: str) -> str:
        if isinstance(value, datetime):
            local = to_local(value)
            pattern = {"date": _DATE, "time": _TIME}.get(format_spec, f"{_DATE} {_TIME}")
            return local.strftime(pattern)
        if isinstance(value, date):
            return value.strftime(_DATE)
        return super().format_field(value, format_spec)


_FORMATTER = _SmsFormatter()


def _truncate(text: str, limit: int) -> str:
    """Shorten a value to `limit` characters, marking the cut without leaving GSM-7."""
    if len(text) <= limit:
        return text
    mark = "..." if is_gsm7(text) else "…"
    return text[: limit - len(mark)].rstrip(" ,.;") + mark


def clean_value(value: Any, limit: int | None) -> Any:
    """Collapse whitespace, prefer GSM-7 punctuation and cap the length of text values."""
    if not isinstance(value, str):
        return value
    text = " ".join(gsm_friendly(value).split())
    return _truncate(text, limit) if limit else text


@dataclass(frozen=True)
class Catalogue:
    """Every language's templates plus the limits applied to placeholder values."""

    texts: Mapping[str, Mapping[str, str]]
    value_max_chars: Mapping[str, int] = field(default_factory=dict)
    max_segments: int = DEFAULT_MAX_SEGMENTS
    default_language: str = DEFAULT_LANGUAGE

    @property
    def languages(self) -> list[str]:
        """Return the languages that have a template file."""
        return sorted(self.texts)

    def names(self, language: str | None = None) -> list[str]:
        """Return the template names of a language (the default language when omitted)."""
        return sorted(self.texts[language or self.default_language])

    def template(self, name: str, language: str | None) -> tuple[str, str]:
        """Return (language used, raw template), falling back to the default language."""
        for candidate in (language, self.default_language):
            text = self.texts.get(candidate or "", {}).get(name)
            if text is not None:
                return candidate or self.default_language, text
        raise TemplateError(f"unknown template {name!r}")

    def render(self, name: str, language: str | None, values: Mapping[str, Any]) -> str:
        """Render a template in a language (default language when missing)."""
        return self.render_with_language(name, language, values)[1]

    def render_with_language(
        self, name: str, language: str | None, values: Mapping[str, Any]
    ) -> tuple[str, str]:
        """Render a template and say which language was actually used."""
        used, raw = self.template(name, language)
        cleaned = {key: clean_value(v, self.value_max_chars.get(key)) for key, v in values.items()}
        try:
            return used, _FORMATTER.format(raw, **cleaned)
        except KeyError as missing:
            raise TemplateError(f"template {name!r} needs a value for {missing}") from None


def load_catalogue(directory: Path = TEMPLATES_DIR) -> Catalogue:
    """Load `<language>.json` files and `limits.json` from a directory."""
    texts = {
        path.stem: json.loads(path.read_text(encoding="utf-8"))
        for path in sorted(directory.iterdir())
        if _LANGUAGE_FILE.match(path.name)
    }
    limits_path = directory / "limits.json"
    limits = json.loads(limits_path.read_text(encoding="utf-8")) if limits_path.exists() else {}
    return Catalogue(
        texts=texts,
        value_max_chars=limits.get("value_max_chars", {}),
        max_segments=int(limits.get("max_segments", DEFAULT_MAX_SEGMENTS)),
    )


@lru_cache(maxsize=1)
def default_catalogue() -> Catalogue:
    """Return the catalogue shipped with the service (loaded once)."""
    return load_catalogue()


def render(name: str, language: str | None, values: Mapping[str, Any]) -> str:
    """Render a shipped template; Tajik is the default and the fallback."""
    return default_catalogue().render(name, language, values)
