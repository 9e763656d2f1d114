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
from .messages import Listing, Message, Phrase, _, ngettext
from .problems import Problem
from .schema import Unit

TYPE_WORDS = {
    "string": _("text"),
    "integer": _("a whole number"),
    "number": _("a number"),
    "float": _("a number"),
    "boolean": _("true or false"),
    "date": _("a date written YYYY-MM-DD"),
    "datetime": _("a date and time"),
    "list": _("a list (lines starting with '- ')"),
    "dict": _("a block of 'key: value' lines"),
}

# What a pattern asks for, in words, with an example.
PATTERN_WORDS = {
    r"^[a-z0-9][a-z0-9-]*$": _("an id of lower-case letters, digits and hyphens, e.g. 'maya-chen'"),
    r"^https?://\S+$": _("a web address starting with https://"),
    r"^[0-9A-Za-z][0-9A-Za-z._-]*$": _("a version of letters, digits, dots and hyphens, e.g. \"2026.2\""),
    r"^[a-z]{2,3}(-[A-Za-z0-9]+)*$": _("a language tag such as 'en' or 'zh-Hant'"),
    r"^[a-z0-9][a-z0-9-_]*$": _("a lower-case name of letters, digits, '-' and '_'"),
    r"^[A-Z]{2}$": _("a two-letter country code in capitals, e.g. 'TW' or 'GB'"),
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


def _described(path: tuple) -> Message:
    """`'phones'` or `item 2 of 'phones'` for messages."""
    if not path:
        return _("the file")
    last = path[-1]
    if isinstance(last, int):
        parent = next((p for p in reversed(path) if isinstance(p, str)), None)
        if parent is None:
            return _("item %(number)s of the list").format(number=last + 1)
        return _("item %(number)s of '%(key)s'").format(number=last + 1, key=parent)
    return _("'%(key)s'").format(key=last)


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
            message = _("'%(key)s' is not a key the plan knows here: did you mean '%(hint)s'?").format(key=key, hint=hint)
        elif known:
            message = _("'%(key)s' is not a key the plan knows here: the keys allowed here are %(keys)s").format(
                key=key, keys=Listing(known))
        else:
            message = _("'%(key)s' is not a key the plan knows here").format(key=key)
        return loaded.problem(path, "unknown-key", message, on_key=True)
    if code == ce.REQUIRED_FIELD.code:
        key = path[-1]
        parent = path[:-1]
        meaning = rules.get("meta")
        if parent:
            message = _("'%(key)s' is missing in %(place)s: add it").format(key=key, place=_described(parent))
        else:
            message = _("'%(key)s' is missing in this file: add it").format(key=key)
        if meaning:
            message = _("%(message)s (%(meaning)s)").format(message=message, meaning=Phrase(meaning, _sentence))
        return loaded.problem(parent, "missing-key", message, on_key=True)
    if code == ce.NOT_NULLABLE.code:
        return loaded.problem(path, "no-value", _("%(what)s has no value: write one, or delete the key").format(what=what),
                              on_key=True)
    if code == ce.EMPTY_NOT_ALLOWED.code:
        return loaded.problem(path, "empty-value", _("%(what)s is empty: write something, or delete the key").format(what=what))
    if code == ce.BAD_TYPE.code:
        expected = error.constraint if isinstance(error.constraint, str) else error.constraint[0]
        words = TYPE_WORDS.get(expected, expected)
        message = _("%(what)s must be %(words)s, not %(value)s").format(what=what, words=words, value=_kind_of(value))
        source = loaded.at(path).source
        if expected == "string" and source is not None and not isinstance(value, (dict, list)):
            message = _("%(message)s: put it in quotes, \"%(source)s\"").format(message=message, source=source)
        elif expected == "date" and isinstance(value, str):
            message = _("%(message)s: write it as YYYY-MM-DD without quotes").format(message=message)
        return loaded.problem(path, "wrong-type", message)
    if code == ce.MIN_LENGTH.code:
        return loaded.problem(path, "too-few", ngettext("%(what)s needs at least %(count)s entry",
                                                        "%(what)s needs at least %(count)s entries",
                                                        error.constraint).format(what=what, count=error.constraint))
    if code == ce.MAX_LENGTH.code:
        return loaded.problem(path, "too-many", ngettext("%(what)s may have at most %(count)s entry",
                                                         "%(what)s may have at most %(count)s entries",
                                                         error.constraint).format(what=what, count=error.constraint))
    if code == ce.REGEX_MISMATCH.code:
        words = PATTERN_WORDS.get(error.constraint) or _("text matching %(pattern)s").format(pattern=error.constraint)
        keys_rule = "keysrules" in error.schema_path
        return loaded.problem(path, "bad-format", _("'%(value)s' must be %(words)s").format(value=value, words=words),
                              on_key=keys_rule)
    if code == ce.MIN_VALUE.code:
        return loaded.problem(path, "too-small", _("%(what)s must be at least %(limit)s, not %(value)s").format(
            what=what, limit=error.constraint, value=value))
    if code == ce.MAX_VALUE.code:
        return loaded.problem(path, "too-large", _("%(what)s must be at most %(limit)s, not %(value)s").format(
            what=what, limit=error.constraint, value=value))
    if code == ce.UNALLOWED_VALUE.code:
        allowed = [str(a) for a in error.constraint]
        hint = closest(str(value), allowed)
        if hint:
            message = _("'%(value)s' is not a choice for %(what)s: did you mean '%(hint)s'?").format(
                value=value, what=what, hint=hint)
        else:
            message = _("'%(value)s' is not a choice for %(what)s: use one of %(choices)s").format(
                value=value, what=what, choices=Listing(allowed))
        return loaded.problem(path, "not-allowed", message)
    return loaded.problem(path, "invalid", _("%(what)s is not valid (%(rule)s: %(constraint)s)").format(
        what=what, rule=error.rule, constraint=error.constraint))


def _known_keys(schema, schema_path, path) -> list[str]:
    node = schema
    for step in schema_path[:-1]:
        node = node.get(step, {}) if isinstance(node, Mapping) else {}
    if isinstance(node, Mapping) and isinstance(node.get("schema"), Mapping):
        node = node["schema"]
    return sorted(k for k in node if isinstance(node.get(k), Mapping)) if isinstance(node, Mapping) else []


def _sentence(text: str) -> str:
    text = text.strip().rstrip(".。")
    return text[0].lower() + text[1:] if text[:2] != text[:2].upper() else text


def _kind_of(value) -> Message:
    if value is None:
        return _("nothing")
    if isinstance(value, bool):
        return _("%(value)s (yes/no values are read as true/false)").format(value=str(value).lower())
    if isinstance(value, (int, float)):
        return _("the number %(value)s").format(value=value)
    if isinstance(value, list):
        return _("a list")
    if isinstance(value, dict):
        return _("a block of keys")
    if hasattr(value, "isoformat"):
        return _("the date %(value)s").format(value=value.isoformat())
    return _("the text '%(value)s'").format(value=_short(str(value)))


def _short(text: str, limit: int = 40) -> str:
    text = re.sub(r"\s+", " ", text)
    return text if len(text) <= limit else text[: limit - 1] + "…"
