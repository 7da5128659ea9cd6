"""Finding children: scope, name in either script, phone, district and date filters."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, false, select

from services.intake.domain.name_matching import key_words
from services.intake.models import MERGED, Child
from shared.localtime import LOCAL_TZ
from shared.phones import InvalidPhone, normalise_phone
from shared.principal import Principal
from shared.scope import in_districts


def children_query(args: dict[str, Any], principal: Principal) -> Select:
    """Return the children the caller may see that match the filters, newest first."""
    query = in_districts(select(Child), Child.district_code, principal)
    if args.get("district_code"):
        query = query.where(Child.district_code == args["district_code"])
    if args.get("status"):
        query = query.where(Child.status == args["status"])
    else:
        # A merged registration is only a pointer now: lists show the child that lives on.
        query = query.where(Child.status != MERGED)
    if args.get("q"):
        query = _matching(query, args["q"])
    if args.get("born_from"):
        query = query.where(Child.date_of_birth >= args["born_from"])
    if args.get("born_to"):
        query = query.where(Child.date_of_birth <= args["born_to"])
    if args.get("registered_from"):
        query = query.where(Child.registered_at >= _local_midnight(args["registered_from"]))
    if args.get("registered_to"):
        next_day = args["registered_to"] + timedelta(days=1)
        query = query.where(Child.registered_at < _local_midnight(next_day))
    return query.order_by(Child.registered_at.desc(), Child.id.desc())


def _matching(query: Select, text: str) -> Select:
    """Match a guardian's phone, or every word as the beginning of a word of the name."""
    phone = _as_phone(text)
    if phone:
        return query.where(Child.guardian_phone == phone)
    words = key_words(text)
    if not words:
        return query.where(false())
    for word in words:
        query = query.where(Child.name_key.like(f"% {_escape(word)}%", escape="\\"))
    return query


def _as_phone(text: str) -> str | None:
    if sum(c.isdigit() for c in text) < 9 or any(c.isalpha() for c in text):
        return None
    try:
        return normalise_phone(text).e164
    except InvalidPhone:
        return None


def _escape(word: str) -> str:
    # Keys hold only a–z, but keep LIKE's wildcards literal all the same.
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, LOCAL_TZ)
