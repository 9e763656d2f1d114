"""Shape checks: one plan file against its Cerberus schema, in small units.

Cerberus reports errors as codes with a document path; this module turns
each into a `Problem` at the offending key or value, in plain words, with
the fix where one is clear.
"""
from __future__ import annotations

import re
from collections.abc import Mapping

from cerberus import errors as ce

from .load import LoadedFile
from .hints import closest
from .problems import Problem
from .schema import Unit

TYPE_WORDS = {
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "float": "a number",
    "boolean": "true or false",
    "date": "a date written YYYY-MM-DD",
    "datetime": "a date and time",
    "list": "a list (lines starting with '- ')",
    "dict": "a block of 'key: value' lines",
}

# What a pattern asks for, in words, with an example.
PATTERN_WORDS = {
    r"^[a-z0-9][a-z0-9-]*$": "an id of lower-case letters, digits and hyphens, e.g. 'maya-chen'",
    r"^https?://\S+$": "a web address starting with https://",
    r"^[0-9A-Za-z][0-9A-Za-z._-]*$": "a version of letters, digits, dots and hyphens, e.g. \"2026.2\"",
    r"^[a-z]{2,3}(-[A-Za-z0-9]+)*$": "a language tag such as 'en' or 'zh-Hant'",
    r"^[a-z0-9][a-z0-9-_]*$": "a lower-case name of letters, digits, '-' and '_'",
    r"^[A-Z]{2}$": "a two-letter country code in capitals, e.g. 'TW' or 'GB'",
}


def validate_unit(unit: Unit, data: dict, loaded: LoadedFile, prefix: tuple = ()) -> list[Problem]:
    problems: list[Problem] = []
    validator = unit.validator
    validator.validate(data, normalize=False)
    for error in _leaves(validator._errors):
        path = prefix + tuple(error.document_path)
        if _inside_unreadable(path, loaded):
            continue
        problems.append(_problem(error, path, loaded, unit.schema))
    for name, item_unit in unit.items.items():
        items = data.get(name)
        if not isinstance(items, list):
            continue
        for index, item in enumerate(items):
            if isinstance(item, dict):
                problems += validate_unit(item_unit, item, loaded, prefix + (name, index))
    return problems


def _leaves(errors):
    for error in errors:
        if error.is_group_error:
            yield from _leaves(error.child_errors)
        else:
            yield error


def _inside_unreadable(path: tuple, loaded: LoadedFile) -> bool:
    return any(path[:n] in loaded.unreadable for n in range(len(path) + 1))


def _field_rules(schema, schema_path) -> dict:
    """The rules of the field an error is about, found along its schema path."""
    node = schema
    for step in schema_path[:-1]:
        try:
            node = node[step]
        except (KeyError, IndexError, TypeError):
            return {}
    return node if isinstance(node, Mapping) else {}


def _described(path: tuple) -> str:
    """`'phones'` or `item 2 of 'phones'` for messages."""
    if not path:
        return "the file"
    last = path[-1]
    if isinstance(last, int):
        parent = next((p for p in reversed(path) if isinstance(p, str)), "the list")
        return f"item {last + 1} of '{parent}'"
    return f"'{last}'"


def _problem(error, path: tuple, loaded: LoadedFile, schema) -> Problem:
    code = error.code
    rules = _field_rules(schema, error.schema_path)
    value = error.value
    what = _described(path)
    if code == ce.UNKNOWN_FIELD.code:
        key = path[-1]
        known = _known_keys(schema, error.schema_path, path)
        hint = closest(str(key), known)
        if hint:
            fix = f": did you mean '{hint}'?"
        elif known:
            fix = f": the keys allowed here are {_listing(known)}"
        else:
            fix = ""
        return loaded.problem(path, "unknown-key", f"'{key}' is not a key the plan knows here{fix}", on_key=True)
    if code == ce.REQUIRED_FIELD.code:
        key = path[-1]
        parent = path[:-1]
        meaning = rules.get("meta")
        where = f"in {_described(parent)}" if parent else "in this file"
        message = f"'{key}' is missing {where}: add it"
        if meaning:
            message += f" ({_sentence(meaning)})"
        return loaded.problem(parent, "missing-key", message, on_key=True)
    if code == ce.NOT_NULLABLE.code:
        return loaded.problem(path, "no-value", f"{what} has no value: write one, or delete the key", on_key=True)
    if code == ce.EMPTY_NOT_ALLOWED.code:
        return loaded.problem(path, "empty-value", f"{what} is empty: write something, or delete the key")
    if code == ce.BAD_TYPE.code:
        expected = error.constraint if isinstance(error.constraint, str) else error.constraint[0]
        words = TYPE_WORDS.get(expected, expected)
        message = f"{what} must be {words}, not {_kind_of(value)}"
        source = loaded.at(path).source
        if expected == "string" and source is not None and not isinstance(value, (dict, list)):
            message += f": put it in quotes, \"{source}\""
        elif expected == "date" and isinstance(value, str):
            message += ": write it as YYYY-MM-DD without quotes"
        return loaded.problem(path, "wrong-type", message)
    if code == ce.MIN_LENGTH.code:
        return loaded.problem(path, "too-few", f"{what} needs at least {error.constraint} "
                              f"{'entry' if error.constraint == 1 else 'entries'}")
    if code == ce.MAX_LENGTH.code:
        return loaded.problem(path, "too-many", f"{what} may have at most {error.constraint} entries")
    if code == ce.REGEX_MISMATCH.code:
        words = PATTERN_WORDS.get(error.constraint, f"text matching {error.constraint}")
        keys_rule = "keysrules" in error.schema_path
        return loaded.problem(path, "bad-format", f"'{value}' must be {words}", on_key=keys_rule)
    if code == ce.MIN_VALUE.code:
        return loaded.problem(path, "too-small", f"{what} must be at least {error.constraint}, not {value}")
    if code == ce.MAX_VALUE.code:
        return loaded.problem(path, "too-large", f"{what} must be at most {error.constraint}, not {value}")
    if code == ce.UNALLOWED_VALUE.code:
        allowed = [str(a) for a in error.constraint]
        hint = closest(str(value), allowed)
        fix = f": did you mean '{hint}'?" if hint else f": use one of {_listing(allowed)}"
        return loaded.problem(path, "not-allowed", f"'{value}' is not a choice for {what}{fix}")
    return loaded.problem(path, "invalid", f"{what} is not valid ({error.rule}: {error.constraint})")


def _known_keys(schema, schema_path, path) -> list[str]:
    node = schema
    for step in schema_path[:-1]:
        node = node.get(step, {}) if isinstance(node, Mapping) else {}
    if isinstance(node, Mapping) and isinstance(node.get("schema"), Mapping):
        node = node["schema"]
    return sorted(k for k in node if isinstance(node.get(k), Mapping)) if isinstance(node, Mapping) else []


def _sentence(text: str) -> str:
    text = text.strip().rstrip(".")
    return text[0].lower() + text[1:] if text[:2] != text[:2].upper() else text


def _listing(items) -> str:
    items = [f"'{i}'" for i in items]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " or " + items[-1]


def _kind_of(value) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"{str(value).lower()} (yes/no values are read as true/false)"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a block of keys"
    if hasattr(value, "isoformat"):
        return f"the date {value.isoformat()}"
    return f"the text '{_short(str(value))}'"


def _short(text: str, limit: int = 40) -> str:
    text = re.sub(r"\s+", " ", text)
    return text if len(text) <= limit else text[: limit - 1] + "…"
