"""A small condition language over named facts, for rule tables kept as data.

A condition is one of:
  {"all": [condition, ...]}   every condition holds (an empty list always holds)
  {"any": [condition, ...]}   at least one holds
  {"not": condition}
  {"fact": "<name>", "<operator>": <value>}   with operator eq, ne, lt, lte, gt, gte, in,
                                              contains or is_null
A comparison with a fact that is null holds only for is_null (and ne).
"""

from __future__ import annotations

import operator
from collections.abc import Iterable, Mapping
from typing import Any

from .errors import RuleTableError

_ORDERED = {"lt": operator.lt, "lte": operator.le, "gt": operator.gt, "gte": operator.ge}
OPERATORS = frozenset({"eq", "ne", "in", "contains", "is_null", *_ORDERED})


def _compare(op: str, fact: Any, value: Any) -> bool:
    if op == "is_null":
        return (fact is None) == bool(value)
    if op == "ne":
        return fact != value
    if fact is None:
        return False
    if op == "eq":
        return fact == value
    if op == "in":
        return fact in value
    if op == "contains":
        return value in fact
    try:
        return bool(_ORDERED[op](fact, value))
    except TypeError:
        return False  # a fact of the wrong type never satisfies an ordering


def evaluate(condition: Mapping[str, Any], facts: Mapping[str, Any]) -> bool:
    """Return whether a condition holds for the facts."""
    if "all" in condition:
        return all(evaluate(c, facts) for c in condition["all"])
    if "any" in condition:
        return any(evaluate(c, facts) for c in condition["any"])
    if "not" in condition:
        return not evaluate(condition["not"], facts)
    (op,) = [key for key in condition if key != "fact"]
    return _compare(op, facts.get(condition["fact"]), condition[op])


def _children(condition: Mapping[str, Any]) -> Iterable[Mapping[str, Any]]:
    if "all" in condition or "any" in condition:
        return condition.get("all", condition.get("any"))
    if "not" in condition:
        return [condition["not"]]
    return []


def check_condition(condition: Any, known_facts: Iterable[str], where: str) -> None:
    """Raise RuleTableError when a condition is malformed or names an unknown fact."""
    known = set(known_facts)
    if not isinstance(condition, Mapping):
        raise RuleTableError(f"{where}: a condition must be an object")
    combinators = [k for k in ("all", "any", "not") if k in condition]
    if combinators:
        if len(condition) != 1:
            raise RuleTableError(f"{where}: {combinators[0]!r} must stand alone in its object")
        for child in _children(condition):
            check_condition(child, known, where)
        return
    if condition.get("fact") not in known:
        raise RuleTableError(f"{where}: unknown fact {condition.get('fact')!r}")
    ops = [key for key in condition if key != "fact"]
    if len(ops) != 1 or ops[0] not in OPERATORS:
        raise RuleTableError(f"{where}: expected one operator of {sorted(OPERATORS)}, got {ops}")
