"""Coded values events carry instead of free text, with their labels in Tajik, Russian, English.

Free text (an urgent reason in the worker's words, a provider's note on an outcome) stays in
the service that took it; events carry only the code, so no note can carry a name or an
address to every other service. `code_of` maps what a user typed onto a code: the code itself,
or one of its labels in any language; anything else is `other`, and the text is kept locally.
"""

from __future__ import annotations

import re

OTHER = "other"

Labels = dict[str, dict[str, str]]

URGENT_REASONS: Labels = {
    "danger_signs": {
        "tg": "Аломатҳои хатарноки саломатӣ",
        "ru": "Опасные признаки со стороны здоровья",
        "en": "Medical danger signs",
    },
    "lost_skills": {
        "tg": "Аз даст додани малакаҳои омӯхташуда",
        "ru": "Утрата уже освоенных навыков",
        "en": "Loss of skills already learnt",
    },
    "feeding_problem": {
        "tg": "Мушкилоти ҷиддии ғизохӯрӣ ё рушд",
        "ru": "Серьёзные проблемы с кормлением или ростом",
        "en": "Serious feeding or growth problem",
    },
    "protection_concern": {
        "tg": "Хатар ба амнияти кӯдак",
        "ru": "Угроза безопасности ребёнка",
        "en": "Child protection concern",
    },
    "no_caregiver": {
        "tg": "Касе нест, ки ба кӯдак нигоҳубин кунад",
        "ru": "Некому ухаживать за ребёнком",
        "en": "No one able to care for the child",
    },
    OTHER: {"tg": "Сабаби дигар", "ru": "Другая причина", "en": "Other reason"},
}

DECLINE_REASONS: Labels = {
    "no_capacity": {"tg": "Ҷойи холӣ нест", "ru": "Нет свободных мест", "en": "No free place"},
    "outside_area": {
        "tg": "Берун аз минтақаи хизматрасонӣ",
        "ru": "Вне зоны обслуживания",
        "en": "Outside the area served",
    },
    "not_eligible": {
        "tg": "Кӯдак ба талаботи хизматрасонӣ мувофиқ нест",
        "ru": "Ребёнок не соответствует условиям приёма",
        "en": "The child does not meet the admission criteria",
    },
    "family_unreachable": {
        "tg": "Бо оила тамос гирифта нашуд",
        "ru": "Не удалось связаться с семьёй",
        "en": "The family could not be reached",
    },
    OTHER: {"tg": "Сабаби дигар", "ru": "Другая причина", "en": "Other reason"},
}

COMPLETION_OUTCOMES: Labels = {
    "goals_met": {
        "tg": "Ҳадафҳо ба даст омаданд",
        "ru": "Цели достигнуты",
        "en": "Goals met",
    },
    "goals_partly_met": {
        "tg": "Ҳадафҳо қисман ба даст омаданд",
        "ru": "Цели достигнуты частично",
        "en": "Goals partly met",
    },
    "goals_not_met": {
        "tg": "Ҳадафҳо ба даст наомаданд",
        "ru": "Цели не достигнуты",
        "en": "Goals not met",
    },
    "family_stopped": {
        "tg": "Оила хизматрасониро қатъ кард",
        "ru": "Семья прекратила занятия",
        "en": "The family stopped the service",
    },
    "moved_away": {
        "tg": "Оила ба ҷои дигар кӯчид",
        "ru": "Семья переехала",
        "en": "The family moved away",
    },
    "transferred": {
        "tg": "Ба хизматрасонии дигар гузаронида шуд",
        "ru": "Переведён в другую службу",
        "en": "Transferred to another service",
    },
    OTHER: {"tg": "Натиҷаи дигар", "ru": "Другой результат", "en": "Other outcome"},
}

CANCEL_REASONS: Labels = {
    "consent_withdrawn": {
        "tg": "Оила розигии худро бозпас гирифт",
        "ru": "Семья отозвала согласие",
        "en": "The family withdrew consent",
    },
    "family_request": {
        "tg": "Бо хоҳиши оила",
        "ru": "По просьбе семьи",
        "en": "At the family's request",
    },
    "wrong_service": {
        "tg": "Хизматрасонӣ ё муассиса нодуруст интихоб шуд",
        "ru": "Выбрана не та услуга или организация",
        "en": "Wrong service or provider",
    },
    "child_moved": {
        "tg": "Кӯдак ба ҷои дигар кӯчид",
        "ru": "Ребёнок переехал",
        "en": "The child moved away",
    },
    "duplicate": {
        "tg": "Роҳхати такрорӣ",
        "ru": "Повторное направление",
        "en": "Duplicate referral",
    },
    OTHER: {"tg": "Сабаби дигар", "ru": "Другая причина", "en": "Other reason"},
}


def _plain(text: str) -> str:
    return re.sub(r"[\s\-]+", "_", text.strip().casefold()).strip("_.!")


def code_of(codes: Labels, text: str | None) -> tuple[str | None, str | None]:
    """Map typed text onto (code, note): a code or a label gives no note; else `other`, text."""
    if text is None or not text.strip():
        return None, None
    plain = _plain(text)
    for code, labels in codes.items():
        if plain == code or any(plain == _plain(label) for label in labels.values()):
            return code, None
    return OTHER, text.strip()


def label(codes: Labels, code: str, language: str) -> str:
    """The code's label in a language (English when the language has none)."""
    labels = codes.get(code) or codes[OTHER]
    return labels.get(language) or labels["en"]
