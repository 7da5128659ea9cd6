# ruff: noqa: SIM905 - word lists read best as one string each
"""python -m bench.make_register N FILE.csv: a realistic district register.

Names are drawn from common Tajik given and family names (mostly Tajik Cyrillic, some Russian
spellings, a few in Latin), districts in proportion to population, valid mobile numbers, ages
0–17, and about one row in a hundred with a typing mistake, as real registers have.
"""

from __future__ import annotations

import csv
import random
import sys
from datetime import date, timedelta
from pathlib import Path

from services.intake.flows.import_rows import COLUMNS
from shared.districts import DISTRICTS

GIRLS = (
    "Фарзона Зарина Мадина Шаҳноза Нигина Сабрина Малика Парвина Нилуфар Ситора Гулнора "
    "Манижа Дилноза Мехрона Мунира Шабнам Фируза Сурайё Тахмина Зулфия Мавлуда Раъно Ҳилола "
    "Дилором Нозанин Сарвиноз Фотима Ойша Марям Зебо Шоира Озода Муниса Сумая Асал Меҳрангез"
).split()
BOYS = (
    "Фирдавс Ҷамшед Фаррух Умед Рустам Далер Бахтиёр Сино Исмоил Шаҳром Суҳроб Меҳроҷ Комрон "
    "Сомон Аброр Беҳрӯз Илҳом Ҳусейн Алишер Зафар Азиз Муҳаммад Юсуф Абдулло Аминҷон Шоҳрух "
    "Парвиз Саидҷон Далерҷон Мустафо Ёқуб Анушервон Тимур Исфандиёр Ҳомид Нуриддин Ҷалолиддин"
).split()
FAMILY_STEMS = (
    "Раҳим Карим Саид Назар Шариф Қодир Ғафур Юсуф Ҳасан Ҳусейн Олим Раҷаб Сафар Икром Холмат "
    "Мирзо Давлат Исмоил Маҳмуд Нурулло Абдулло Ашур Бобо Ғулом Муродали Қурбон Ҷӯра Тоҳир "
    "Эшон Файзулло Ҳамро Асад Зоир Ҳайдар Бурҳон Одина Хуҷа Назрулло Ҳақназар Шодмон Мансур "
    "Собир Фозил Латиф Қаҳҳор Амир Ҷаъфар Саттор Мӯсо Раҳмон Саъдулло Иброҳим Каримҷон Зарип"
).split()
ROMAN = str.maketrans(
    {"ҳ": "h", "Ҳ": "H", "ҷ": "j", "Ҷ": "J", "қ": "q", "Қ": "Q", "ғ": "gh", "Ғ": "Gh",
     "ӯ": "u", "ӣ": "i", "ъ": "'", "ё": "yo", "Ё": "Yo"}
)  # fmt: skip
LATIN = dict(zip("абвгдежзийклмнопрстуфхчшэюяАБВГДЕЖЗИЙКЛМНОПРСТУФХЧШЭЮЯ",
                 ["a","b","v","g","d","e","zh","z","i","y","k","l","m","n","o","p","r","s","t",
                  "u","f","kh","ch","sh","e","yu","ya"] * 2, strict=True))  # fmt: skip
MOBILE_PREFIXES = ("93", "92", "99", "77", "90", "88", "55", "98", "91", "50", "17")
POPULATION = {"TJ-KT": 3.8, "TJ-SU": 2.9, "TJ-RA": 2.3, "TJ-DU": 1.3, "TJ-GB": 0.23}


def latin(name: str) -> str:
    """Spell a Tajik name in Latin letters, the way officials often do."""
    spelled = "".join(LATIN.get(c, c) for c in name.translate(ROMAN))
    return " ".join(word[:1].upper() + word[1:] for word in spelled.split())


def family_name(rng: random.Random, sex: str) -> str:
    stem = rng.choice(FAMILY_STEMS)
    ending = rng.choice(("ов", "ов", "ов", "зода", "ӣ", "иён"))
    if ending == "ов" and sex == "female":
        ending = "ова"
    return stem + ending


def district_weights() -> tuple[list[str], list[float]]:
    by_region: dict[str, list[str]] = {}
    for code, district in DISTRICTS.items():
        by_region.setdefault(district.region_code, []).append(code)
    codes, weights = [], []
    for region, members in by_region.items():
        for code in members:
            codes.append(code)
            weights.append(POPULATION.get(region, 1.0) / len(members))
    return codes, weights


def make_row(rng: random.Random, today: date, codes: list[str], weights: list[float]) -> dict:
    sex = rng.choice(("female", "male"))
    given = rng.choice(GIRLS if sex == "female" else BOYS)
    family = family_name(rng, sex)
    mother = f"{rng.choice(GIRLS)} {family_name(rng, 'female')}"
    if rng.random() < 0.1:
        given, family, mother = latin(given), latin(family), latin(mother)
    born = today - timedelta(days=rng.randint(30, 17 * 365))
    phone = f"{rng.choice(MOBILE_PREFIXES)} {rng.randint(100, 999)} {rng.randint(1000, 9999)}"
    row = {
        "given_name": given,
        "family_name": family,
        "sex": sex,
        "date_of_birth": born.strftime("%d.%m.%Y") if rng.random() < 0.5 else born.isoformat(),
        "district_code": rng.choices(codes, weights)[0],
        "village": "Гулистон",
        "guardian_name": mother,
        "guardian_relationship": "mother",
        "guardian_phone": phone,
        "guardian_language": rng.choice(("tg", "tg", "tg", "ru")),
        "sms_consent": "ҳа",
        "data_sharing_consent": rng.choice(("ҳа", "ҳа", "ҳа", "не")),
        "consent_given_by": "mother",
        "concerns": ";".join(rng.sample(("walking", "seeing", "hearing", "learning"), 2)),
    }
    if rng.random() < 0.01:
        row["guardian_phone"] = phone[:6]  # typed short, as happens
    return row


def main(argv: list[str] | None = None) -> int:
    """Write N register rows to FILE."""
    argv = sys.argv[1:] if argv is None else argv
    count, path = int(argv[0]), Path(argv[1])
    rng = random.Random(4)
    codes, weights = district_weights()
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=list(COLUMNS))
        writer.writeheader()
        for _ in range(count):
            writer.writerow(make_row(rng, date(2026, 11, 25), codes, weights))
    return 0


if __name__ == "__main__":
    sys.exit(main())
