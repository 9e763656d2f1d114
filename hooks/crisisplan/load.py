"""Read one YAML file into plain data, with the position of every key and value.

PyYAML's own loaders accept duplicate keys, expand aliases and honour
explicit tags; none of that belongs in a plan.  This module drives the
parser event by event (libyaml when available) and builds the data itself,
so every such construct becomes a `Problem` with its line and column, and
nothing in a file can make the loader run code or blow up in memory.
"""
from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import yaml
from yaml.events import (AliasEvent, DocumentEndEvent, DocumentStartEvent, MappingEndEvent,
                         MappingStartEvent, ScalarEvent, SequenceEndEvent, SequenceStartEvent,
                         StreamEndEvent, StreamStartEvent)
from yaml.nodes import ScalarNode

from .problems import ERROR, Problem

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_DEPTH = 40

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_RESOLVER = yaml.SafeLoader("")
_CONSTRUCTOR = yaml.constructor.SafeConstructor()

_TAG = "tag:yaml.org,2002:"
_SCALAR_TAGS = {_TAG + t for t in ("str", "int", "float", "bool", "null", "timestamp")}
_COLLECTION_TAGS = {_TAG + "map", _TAG + "seq", None, "!"}


class Position(NamedTuple):
    """1-based line and column of a key (where there is one) and of its value."""
    line: int
    col: int
    value_line: int
    value_col: int
    source: str | None = None  # the scalar as written, for messages about quoting


Path = tuple  # keys and list indexes from the top of a file


@dataclass
class LoadedFile:
    name: str  # as shown in problems, e.g. "plan/contacts.yaml"
    data: Any = None
    positions: dict[Path, Position] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    unreadable: set = field(default_factory=set)  # paths whose value was already reported

    def at(self, path: Path) -> Position:
        """The position of `path`, or of its nearest ancestor that has one."""
        path = tuple(path)
        while path:
            if path in self.positions:
                return self.positions[path]
            path = path[:-1]
        return self.positions.get((), Position(1, 1, 1, 1))

    def problem(self, path: Path, code: str, message: str, level: str = ERROR, on_key: bool = False) -> Problem:
        pos = self.at(path)
        line, col = (pos.line, pos.col) if on_key else (pos.value_line, pos.value_col)
        return Problem(self.name, line, col, level, code, message)


_UNREADABLE = object()
# The years a plan's date can sensibly lie in; outside them it is a typo
# (9999-12-31 for "never", 0202 for 2026), and date arithmetic would overflow.
FIRST_YEAR, LAST_YEAR = 1900, 2199
_TYPED_FIRST = frozenset("yYnNtTfFoO~=<0123456789-+.")


class _Stop(Exception):
    """The rest of the file cannot be read."""


def load_file(raw: bytes, name: str) -> LoadedFile:
    result = LoadedFile(name)
    text = _decode(raw, result)
    if text is None:
        return result
    if _tabs_in_indentation(text, result):
        return result
    if not _has_content(text):
        result.problems.append(Problem(name, 1, 1, ERROR, "empty-file",
                                       "the file is empty: write the plan's keys in it, or delete the file"))
        return result
    builder = _Builder(result)
    try:
        builder.run(yaml.parse(text, Loader=_Loader))
    except yaml.MarkedYAMLError as exc:
        result.problems.append(_syntax_problem(exc, name))
        result.data = None
    except yaml.YAMLError as exc:  # reader errors carry a position, not a mark
        result.problems.append(Problem(name, *_line_col(text, getattr(exc, "position", 0)), ERROR, "yaml-syntax",
                                       f"the file cannot be read as YAML: {_plain(str(exc))}"))
        result.data = None
    except _Stop:
        result.data = None
    if result.data is not None and not isinstance(result.data, dict):
        result.problems.append(Problem(name, 1, 1, ERROR, "not-a-mapping",
                                       "the file must consist of 'key: value' lines at the top level"))
        result.data = None
    return result


def _decode(raw: bytes, result: LoadedFile) -> str | None:
    if len(raw) > MAX_FILE_BYTES:
        result.problems.append(Problem(
            result.name, 1, 1, ERROR, "file-too-large",
            f"the file is {len(raw) // 1024} KiB; a plan file may be at most {MAX_FILE_BYTES // 1024} KiB: split it up"))
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        head = raw[:exc.start]
        line = head.count(b"\n") + 1
        col = len(head[head.rfind(b"\n") + 1:].decode("utf-8", errors="replace")) + 1
        result.problems.append(Problem(
            result.name, line, col, ERROR, "not-utf8",
            f"byte 0x{raw[exc.start]:02x} is not valid UTF-8: save the file as UTF-8"))
        return None
    if text.startswith("\ufeff"):
        text = text[1:]
    bad = re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]", text)
    if bad:
        line, col = _line_col(text, bad.start())
        result.problems.append(Problem(
            result.name, line, col, ERROR, "control-character",
            f"the file contains the control character U+{ord(bad.group()):04X}: delete it"))
        return None
    return text


def _tabs_in_indentation(text: str, result: LoadedFile) -> bool:
    if "\t" not in text:
        return False
    found = False
    for number, line in enumerate(text.splitlines(), 1):
        indent = re.match(r"[ \t]*", line).group()
        if "\t" in indent and line.strip():
            found = True
            result.problems.append(Problem(
                result.name, number, indent.index("\t") + 1, ERROR, "tab",
                "a tab is used for indentation; YAML needs spaces: replace the tab with spaces"))
    return found


def _has_content(text: str) -> bool:
    return any(line.strip() and not line.lstrip().startswith("#") and line.strip() not in ("---", "...")
               for line in text.splitlines())


def _line_col(text: str, index: int) -> tuple[int, int]:
    head = text[:index]
    return head.count("\n") + 1, index - (head.rfind("\n") + 1) + 1


_SYNTAX_HINTS = [
    ("mapping values are not allowed", "a value contains ': ' or the indentation is off: put the value in quotes, or fix the indentation"),
    ("could not find expected ':'", "a line has no 'key: value' colon, or a quoted text is not closed"),
    ("did not find expected key", "the indentation of this line does not match the lines around it"),
    ("did not find expected '-' indicator", "a list item is not indented like the items before it"),
    ("found unexpected end of stream", "a quoted text is not closed: add the closing quote"),
    ("found character '@' that cannot start any token", "a value starting with '@' must be quoted, e.g. \"@handle\""),
    ("found character '`' that cannot start any token", "a value starting with '`' must be quoted"),
    ("expected a single document", "the file holds more than one YAML document ('---'): keep one"),
    ("found undefined alias", "'*' starts an alias, which plans do not use: put the value in quotes"),
]


def _syntax_problem(exc: yaml.MarkedYAMLError, name: str) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    detail = exc.problem or exc.context or "unreadable YAML"
    hint = next((h for key, h in _SYNTAX_HINTS if key in detail), None)
    message = f"the YAML is not well-formed ({_plain(detail)})"
    if hint:
        message += f": {hint}"
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    return Problem(name, line, col, ERROR, "yaml-syntax", message)


def _plain(text: str) -> str:
    return " ".join(text.split())


class _Builder:
    """Builds plain Python data from parser events, recording positions."""

    def __init__(self, result: LoadedFile):
        self.result = result
        self.events = None

    def run(self, events):
        self.events = iter(events)
        documents = 0
        for event in self.events:
            if isinstance(event, (StreamStartEvent, DocumentEndEvent)):
                continue
            if isinstance(event, StreamEndEvent):
                break
            if isinstance(event, DocumentStartEvent):
                documents += 1
                if documents > 1:
                    m = event.start_mark
                    self._problem(m, "multiple-documents",
                                  "the file holds more than one YAML document ('---'): keep one")
                    raise _Stop
                continue
            self.result.data = self._value(event, (), 0)

    def _problem(self, mark, code, message):
        self.result.problems.append(Problem(self.result.name, mark.line + 1, mark.column + 1, ERROR, code, message))

    def _record(self, path, key_mark, value_mark, source=None):
        self.result.positions[path] = Position(key_mark.line + 1, key_mark.column + 1,
                                               value_mark.line + 1, value_mark.column + 1, source)

    def _check_node(self, event) -> bool:
        """Reject anchors and explicit tags; True when the value may be used."""
        ok = True
        if getattr(event, "anchor", None) is not None:
            self._problem(event.start_mark, "anchor",
                          f"'&{event.anchor}' defines an anchor; plans do not use anchors and aliases: "
                          "write the value out in full")
            ok = False
        tag = getattr(event, "tag", None)
        if isinstance(event, ScalarEvent):
            explicit = tag is not None and not (event.implicit[0] or event.implicit[1]) and tag != "!"
            if explicit and tag not in _SCALAR_TAGS:
                self._problem(event.start_mark, "tag",
                              f"the tag '{_short_tag(tag)}' is not allowed in a plan: remove it and write a plain value")
                ok = False
        elif tag not in _COLLECTION_TAGS:
            self._problem(event.start_mark, "tag",
                          f"the tag '{_short_tag(tag)}' is not allowed in a plan: remove it and write a plain value")
            ok = False
        return ok

    def _skip(self, event):
        depth = 1 if isinstance(event, (MappingStartEvent, SequenceStartEvent)) else 0
        while depth:
            nxt = next(self.events)
            if isinstance(nxt, (MappingStartEvent, SequenceStartEvent)):
                depth += 1
            elif isinstance(nxt, (MappingEndEvent, SequenceEndEvent)):
                depth -= 1

    def _value(self, event, path, depth, key_mark=None):
        key_mark = key_mark or event.start_mark
        if isinstance(event, AliasEvent):
            self._problem(event.start_mark, "alias",
                          f"'*{event.anchor}' is an alias; plans do not use anchors and aliases: "
                          "write the value out in full")
            self._record(path, key_mark, event.start_mark)
            self.result.unreadable.add(path)
            return None
        ok = (event.anchor is None and event.tag is None) or self._check_node(event)
        if depth > MAX_DEPTH and not isinstance(event, ScalarEvent):
            self._problem(event.start_mark, "too-deep",
                          f"the data is nested more than {MAX_DEPTH} levels deep: no plan needs that")
            raise _Stop
        if isinstance(event, ScalarEvent):
            source = event.value if _plain_style(event) else None
            self._record(path, key_mark, event.start_mark, source)
            value = self._scalar(event) if ok else None
            if not ok or value is _UNREADABLE:
                self.result.unreadable.add(path)
                return None
            return value
        self._record(path, key_mark, event.start_mark)
        if isinstance(event, SequenceStartEvent):
            items = []
            for nxt in self.events:
                if isinstance(nxt, SequenceEndEvent):
                    break
                items.append(self._value(nxt, path + (len(items),), depth + 1))
            if not ok:
                self.result.unreadable.add(path)
            return items if ok else None
        mapping: dict[str, Any] = {}
        seen: dict[str, Any] = {}
        for key_event in self.events:
            if isinstance(key_event, MappingEndEvent):
                break
            key = self._key(key_event)
            value_event = next(self.events)
            if key is None:
                self._skip(value_event)
                continue
            if key in seen:
                first = seen[key]
                self._problem(key_event.start_mark, "duplicate-key",
                              f"'{key}' appears twice in the same block (first on line {first.line + 1}): "
                              "keep one and delete or rename the other")
                self._skip(value_event)
                continue
            seen[key] = key_event.start_mark
            mapping[key] = self._value(value_event, path + (key,), depth + 1, key_event.start_mark)
        if not ok:
            self.result.unreadable.add(path)
        return mapping if ok else None

    def _key(self, event) -> str | None:
        if isinstance(event, ScalarEvent) and event.anchor is None and event.tag is None and event.value != "<<":
            return event.value
        if isinstance(event, ScalarEvent):
            if self._check_node(event):
                if event.value == "<<" and _plain_style(event):
                    self._problem(event.start_mark, "merge-key",
                                  "'<<' merges another block in; plans do not use it: write the keys out in full")
                    return None
                return event.value
            return None
        if isinstance(event, AliasEvent):
            self._problem(event.start_mark, "alias",
                          f"'*{event.anchor}' is an alias; plans do not use anchors and aliases: write the key out")
            return None
        self._problem(event.start_mark, "complex-key", "a key must be a plain word, not a list or a block")
        self._skip(event)
        return None

    def _scalar(self, event):
        tag = event.tag
        value = event.value
        # Most scalars are plain text whose first character no YAML type
        # (bool, null, number, merge, value) can start with: they are text.
        if tag is None and value and value[0] not in _TYPED_FIRST and _plain_style(event):
            return value
        if tag is None or tag == "!":
            if not _plain_style(event) or tag == "!":
                tag = _TAG + "str"
            else:
                tag = _RESOLVER.resolve(ScalarNode, event.value, event.implicit)
        node = ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)
        try:
            value = _CONSTRUCTOR.yaml_constructors[tag](_CONSTRUCTOR, node)
        except (ValueError, OverflowError, TypeError, yaml.YAMLError):
            if tag == _TAG + "timestamp":
                self._problem(event.start_mark, "invalid-date",
                              f"'{event.value}' is not a real date: check the day and month (YYYY-MM-DD)")
            else:
                self._problem(event.start_mark, "invalid-value", f"'{event.value}' cannot be read")
            return _UNREADABLE
        if isinstance(value, _dt.datetime):
            if (value.hour, value.minute, value.second, value.microsecond) != (0, 0, 0, 0) or value.tzinfo:
                day = value.date().isoformat()
                self._problem(event.start_mark, "date-with-time",
                              f"'{event.value}' has a time of day, but the plan's dates are days: write {day} "
                              "(or put the value in quotes if it is text, not a date)")
                return _UNREADABLE
            value = value.date()
        if isinstance(value, _dt.date) and not FIRST_YEAR <= value.year <= LAST_YEAR:
            self._problem(event.start_mark, "date-out-of-range",
                          f"'{event.value}' is not a date this plan can mean: check the year "
                          f"(the plan's dates lie between {FIRST_YEAR} and {LAST_YEAR})")
            return _UNREADABLE
        return value


def _plain_style(event) -> bool:
    # libyaml reports a plain scalar's style as '', the pure-Python parser as None
    return not event.style


def _short_tag(tag: str) -> str:
    return "!!" + tag[len(_TAG):] if tag.startswith(_TAG) else tag
