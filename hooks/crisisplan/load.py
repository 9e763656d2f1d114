"""Read one YAML file into plain data, with the position of every key and value.

PyYAML's own loaders accept duplicate keys, expand aliases and honour
explicit tags; none of that belongs in a plan.  This module drives the
parser event by event (libyaml when available) and builds the data itself,
so every such construct becomes a `Problem` with its line and column, and
nothing in a file can make the loader run code or blow up in memory.

Typing on a Chinese or Japanese keyboard brings mistakes of its own: a
full-width colon '：' or space U+3000 where YAML needs half-width ones, an
ASCII comma inside a value in { }.  Each gets its own message at its own
line.  A folded text (`>`) joins its lines with a space, as YAML says; where
both sides of the join are Chinese or Japanese characters, which are written
without spaces, it joins them without one, so that the copied statement is
the text that was meant.
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

from .cjk import CJK
from .messages import _
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
                                       _("the file is empty: write the plan's keys in it, or delete the file")))
        return result
    lines = _LINE_BREAK.split(text)
    typing = _typing_slips(lines)
    builder = _Builder(result, lines)
    try:
        builder.run(yaml.parse(text, Loader=_Loader))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        # A slip on or before the line YAML stumbled on is what made it stumble:
        # report the slips (those after it too: YAML read no further), not YAML's words.
        # A colon after Chinese words may be prose ("- 說明要短：一句…"), so such a
        # slip counts only on the line YAML stumbled on or the one before.
        line = mark.line + 1 if mark else None
        typing = [slip for slip in typing if slip.sure or line is None or line - 1 <= slip.line <= line]
        if any(line is None or slip.line <= line for slip in typing):
            result.problems += [slip.problem(name) for slip in typing]
        else:
            result.problems.append(_syntax_problem(exc, name, lines))
        result.data = None
    except yaml.YAMLError as exc:  # reader errors carry a position, not a mark
        result.problems.append(Problem(name, *_line_col(text, getattr(exc, "position", 0)), ERROR, "yaml-syntax",
                                       _("the file cannot be read as YAML: %(detail)s").format(detail=_plain(str(exc)))))
        result.data = None
    except _Stop:
        result.data = None
    else:
        _typing_slips_in_values(typing, result)
    if result.data is not None and not isinstance(result.data, dict):
        result.problems.append(Problem(name, 1, 1, ERROR, "not-a-mapping",
                                       _("the file must consist of 'key: value' lines at the top level")))
        result.data = None
    return result


def _decode(raw: bytes, result: LoadedFile) -> str | None:
    if len(raw) > MAX_FILE_BYTES:
        result.problems.append(Problem(
            result.name, 1, 1, ERROR, "file-too-large",
            _("the file is %(size)s KiB; a plan file may be at most %(limit)s KiB: split it up").format(
                size=len(raw) // 1024, limit=MAX_FILE_BYTES // 1024)))
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        head = raw[:exc.start]
        line = head.count(b"\n") + 1
        col = len(head[head.rfind(b"\n") + 1:].decode("utf-8", errors="replace")) + 1
        result.problems.append(Problem(
            result.name, line, col, ERROR, "not-utf8",
            _("byte 0x%(byte)s is not valid UTF-8: save the file as UTF-8").format(byte=f"{raw[exc.start]:02x}")))
        return None
    if text.startswith("\ufeff"):
        text = text[1:]
    bad = re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]", text)
    if bad:
        line, col = _line_col(text, bad.start())
        result.problems.append(Problem(
            result.name, line, col, ERROR, "control-character",
            _("the file contains the control character U+%(code)s: delete it").format(code=f"{ord(bad.group()):04X}")))
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
                _("a tab is used for indentation; YAML needs spaces: replace the tab with spaces")))
    return found


# YAML's line breaks (1.1, as PyYAML reads it): positions count lines this way.
_LINE_BREAK = re.compile(r"\r\n|[\r\n\x85\u2028\u2029]")
# A key followed by a full-width colon: `name： 林美玲`, `- id：x`.
_FULL_WIDTH_COLON = re.compile(
    r"""^([ ]*(?:-[ ]+)*)([^\s#'"{}\[\],&*!|>%@`:：-][^:：#]*?|"[^"]*"|'[^']*')[ \u3000]*(：)""")
# The same inside braces: `{answer： 否}`, `, next：x` (an ASCII key only: prose has colons too).
_FULL_WIDTH_COLON_IN_BRACES = re.compile(r"[{,][ ]*([A-Za-z_][A-Za-z0-9_-]*)[ \u3000]*(：)")
_FULL_WIDTH_COLON_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*[ \u3000]*：")
# A line that opens a block text: `text: |`, `- >-`, `key: >2 # comment`.
_BLOCK_HEADER = re.compile(r"(?:^|[ ])[|>][0-9+-]*[ ]*(?:#.*)?$")


@dataclass
class _Slip:
    """A mistake of typing in a CJK input mode, found by reading the lines."""
    line: int
    col: int       # where to point: the '：' or the U+3000
    start: int     # where the YAML token it spoils starts
    code: str
    message: str
    sure: bool = True  # False: a colon after words that may be prose, not a key

    def problem(self, name: str) -> Problem:
        return Problem(name, self.line, self.col, ERROR, self.code, self.message)


_FULL_WIDTH_COLON_MESSAGE = _("'%(key)s：' has a full-width colon '：' (全形冒號); YAML separates a key from its "
                              "value with a half-width colon and a space: write '%(key)s: '")


def _typing_slips(lines: list[str]) -> list[_Slip]:
    """Full-width colons after a key and full-width spaces in indentation,
    outside block texts (where they are just text)."""
    slips: list[_Slip] = []
    if not any("：" in line or "\u3000" in line for line in lines):
        return slips
    block_indent = None  # the indentation of the line that opened a block text
    for number, line in enumerate(lines, 1):
        indent = len(line) - len(line.lstrip(" "))
        if block_indent is not None:
            if not line.strip(" ") or indent > block_indent:
                continue
            block_indent = None
        content = line.strip(" \u3000")
        if not content or content.startswith("#"):
            continue
        leading = re.match(r"[ \u3000]*", line).group()
        if "\u3000" in leading:
            col = leading.index("\u3000") + 1
            slips.append(_Slip(number, col, col, "full-width-space",
                               _("the line is indented with a full-width space (U+3000, 全形空白); YAML indents with "
                                 "half-width spaces: replace it with spaces, lined up with the lines around it")))
            continue
        if "{" in line:  # `{answer： 否, next: x}`: a key in braces
            for flow in _FULL_WIDTH_COLON_IN_BRACES.finditer(line):
                key = flow.group(1)
                slips.append(_Slip(number, flow.start(2) + 1, flow.start(1) + 1, "full-width-colon",
                                   _FULL_WIDTH_COLON_MESSAGE.format(key=key)))
        colon = _FULL_WIDTH_COLON.match(line)
        if colon:
            key = colon.group(2).strip()
            slips.append(_Slip(number, colon.start(3) + 1, len(colon.group(1)) + 1, "full-width-colon",
                               _FULL_WIDTH_COLON_MESSAGE.format(key=key),
                               sure=bool(re.fullmatch(r"[A-Za-z_][A-Za-z0-9_-]*", key))))
        if _BLOCK_HEADER.search(line) and (":" in line or line.lstrip(" ").startswith("-")):
            block_indent = indent
    return slips


def _typing_slips_in_values(slips: list[_Slip], result: LoadedFile) -> None:
    """The slips that YAML read as a text without complaint (`organisation:` then
    `  name： 晨曦`): reported where a key or value starts at the slip."""
    if not slips:
        return
    starts: dict[tuple[int, int], Path] = {}
    for path, pos in result.positions.items():
        starts.setdefault((pos.value_line, pos.value_col), path)
        starts.setdefault((pos.line, pos.col), path[:-1] if pos.line != pos.value_line or pos.col != pos.value_col
                          else path)
    for slip in slips:
        path = starts.get((slip.line, slip.start))
        if path is None or not slip.sure:
            continue
        result.problems.append(slip.problem(result.name))
        if path == ():
            result.data = None
        result.unreadable.add(path)


def _has_content(text: str) -> bool:
    return any(line.strip() and not line.lstrip().startswith("#") and line.strip() not in ("---", "...")
               for line in text.splitlines())


def _line_col(text: str, index: int) -> tuple[int, int]:
    head = text[:index]
    return head.count("\n") + 1, index - (head.rfind("\n") + 1) + 1


_SYNTAX_HINTS = [
    ("mapping values are not allowed", _("a value contains ': ' or the indentation is off: put the value in quotes, or fix the indentation")),
    ("could not find expected ':'", _("a line has no 'key: value' colon, or a quoted text is not closed")),
    ("did not find expected key", _("the indentation of this line does not match the lines around it")),
    ("did not find expected '-' indicator", _("a list item is not indented like the items before it")),
    ("found unexpected end of stream", _("a quoted text is not closed: add the closing quote")),
    ("found character '@' that cannot start any token", _("a value starting with '@' must be quoted, e.g. \"@handle\"")),
    ("found character '`' that cannot start any token", _("a value starting with '`' must be quoted")),
    ("expected a single document", _("the file holds more than one YAML document ('---'): keep one")),
    ("found undefined alias", _("'*' starts an alias, which plans do not use: put the value in quotes")),
]


def _syntax_problem(exc: yaml.MarkedYAMLError, name: str, lines: list[str] | None = None) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    quoting = _needs_quotes(mark, lines) if lines and mark else None
    if quoting:
        return Problem(name, mark.line + 1, mark.column + 1, ERROR, "needs-quotes", quoting)
    detail = exc.problem or exc.context or "unreadable YAML"
    hint = next((h for key, h in _SYNTAX_HINTS if key in detail), None)
    message = _("the YAML is not well-formed (%(detail)s)").format(detail=_plain(detail))
    if hint:
        message = _("%(message)s: %(hint)s").format(message=message, hint=hint)
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    return Problem(name, line, col, ERROR, "yaml-syntax", message)


def _needs_quotes(mark, lines: list[str]) -> str | None:
    """`handle: @chenxi.tea`: a value that starts with '@' or '`', which YAML
    keeps for later use, in words with the quoted value."""
    line = lines[mark.line] if mark.line < len(lines) else ""
    char = line[mark.column:mark.column + 1]
    if char not in ("@", "`"):
        return None
    before = line[:mark.column].strip()
    value = re.split(r"[ \t]+#", line[mark.column:])[0].rstrip()
    in_brackets = "[" in before or "{" in before
    if in_brackets:
        value = re.split(r"[,\]}]", value)[0].strip()
    quoted = f"'{value}'" if '"' in value else f'"{value}"'
    fix = quoted if in_brackets or not before.endswith((":", "-")) else f"{before} {quoted}"
    return _("'%(value)s' starts with '%(char)s', which YAML does not allow at the start of a value "
             "without quotes: write %(fix)s").format(value=value, char=char, fix=fix)


def _plain(text: str) -> str:
    return " ".join(text.split())


class _Builder:
    """Builds plain Python data from parser events, recording positions."""

    def __init__(self, result: LoadedFile, lines: list[str] | None = None):
        self.result = result
        self.events = None
        self.lines = lines or []

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
                                  _("the file holds more than one YAML document ('---'): keep one"))
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
                          _("'&%(anchor)s' defines an anchor; plans do not use anchors and aliases: "
                            "write the value out in full").format(anchor=event.anchor))
            ok = False
        tag = getattr(event, "tag", None)
        if isinstance(event, ScalarEvent):
            explicit = tag is not None and not (event.implicit[0] or event.implicit[1]) and tag != "!"
            if explicit and tag not in _SCALAR_TAGS:
                self._problem(event.start_mark, "tag",
                              _("the tag '%(tag)s' is not allowed in a plan: remove it and write a plain value").format(tag=_short_tag(tag)))
                ok = False
        elif tag not in _COLLECTION_TAGS:
            self._problem(event.start_mark, "tag",
                          _("the tag '%(tag)s' is not allowed in a plan: remove it and write a plain value").format(tag=_short_tag(tag)))
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
                          _("'*%(anchor)s' is an alias; plans do not use anchors and aliases: "
                            "write the value out in full").format(anchor=event.anchor))
            self._record(path, key_mark, event.start_mark)
            self.result.unreadable.add(path)
            return None
        ok = (event.anchor is None and event.tag is None) or self._check_node(event)
        if depth > MAX_DEPTH and not isinstance(event, ScalarEvent):
            self._problem(event.start_mark, "too-deep",
                          _("the data is nested more than %(depth)s levels deep: no plan needs that").format(depth=MAX_DEPTH))
            raise _Stop
        if isinstance(event, ScalarEvent):
            source = event.value if _plain_style(event) else None
            self._record(path, key_mark, event.start_mark, source)
            value = self._scalar(event) if ok else None
            if not ok or value is _UNREADABLE:
                self.result.unreadable.add(path)
                return None
            if isinstance(value, str) and event.start_mark.line != event.end_mark.line:
                value = self._refold(event, value)
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
        commas = _CommaRun() if getattr(event, "flow_style", False) else None
        for key_event in self.events:
            if isinstance(key_event, MappingEndEvent):
                break
            key = self._key(key_event)
            value_event = next(self.events)
            if commas is not None and self._comma_split(commas, key_event, value_event):
                self.result.unreadable.add(path)
            if key is None:
                self._skip(value_event)
                continue
            if key in seen:
                first = seen[key]
                self._problem(key_event.start_mark, "duplicate-key",
                              _("'%(key)s' appears twice in the same block (first on line %(line)s): "
                                "keep one and delete or rename the other").format(key=key, line=first.line + 1))
                self._skip(value_event)
                continue
            seen[key] = key_event.start_mark
            mapping[key] = self._value(value_event, path + (key,), depth + 1, key_event.start_mark)
        if commas is not None:
            self._comma_problem(commas)
        if not ok:
            self.result.unreadable.add(path)
        return mapping if ok else None

    # --- an ASCII comma inside a value in { } ------------------------------------------------

    def _comma_split(self, run: "_CommaRun", key_event, value_event) -> bool:
        """In `{answer: 否,大多是中性, next: x}` the comma ends the value and
        '大多是中性' becomes a key without a value; True when this entry is such
        a piece (reported once the mapping ends)."""
        piece = (isinstance(key_event, ScalarEvent) and _plain_style(key_event)
                 and isinstance(value_event, ScalarEvent) and _plain_style(value_event) and value_event.value == ""
                 and run.last is not None and self._comma_before(key_event.start_mark) is not None
                 and not _FULL_WIDTH_COLON_KEY.match(key_event.value))  # `next：y`: that slip is reported
        if piece:
            if not run.pieces:
                run.comma = self._comma_before(key_event.start_mark)
            run.pieces.append(key_event)
        else:
            self._comma_problem(run)
            run.pieces = []
            run.last = None
            if isinstance(key_event, ScalarEvent) and isinstance(value_event, ScalarEvent) \
                    and _plain_style(value_event) and value_event.value:
                run.last = (key_event, value_event)
        return piece

    def _comma_before(self, mark) -> tuple[int, int] | None:
        line = self.lines[mark.line] if mark.line < len(self.lines) else ""
        i = mark.column - 1
        while i >= 0 and line[i] in " \t":
            i -= 1
        return (mark.line, i) if i > 0 and line[i] == "," and line[i - 1] not in " \t,{" else None

    def _comma_problem(self, run: "_CommaRun") -> None:
        if not run.pieces or run.last is None:
            return
        key_event, value_event = run.last
        last = run.pieces[-1]
        line = self.lines[value_event.start_mark.line]
        if last.end_mark.line == value_event.start_mark.line:
            whole = line[value_event.start_mark.column:last.end_mark.column]
        else:
            whole = ",".join([value_event.value] + [p.value for p in run.pieces])
        first = run.pieces[0].value
        full_width = re.sub(r"[ \t]*,[ \t]*", "，", whole)
        self.result.problems.append(Problem(
            self.result.name, run.comma[0] + 1, run.comma[1] + 1, ERROR, "comma-in-braces",
            _("the comma after '%(value)s' ends the value inside { }, so '%(first)s' is read as a key of "
              "its own: write the full-width comma '，' (%(full_width)s), or put the value in quotes: "
              "%(key)s: \"%(whole)s\"").format(value=value_event.value, first=first, full_width=full_width,
                                            key=key_event.value, whole=whole)))
        run.pieces = []
        run.last = None

    # --- folded text -------------------------------------------------------------------------

    def _refold(self, event, value: str) -> str:
        """`value` with no space where a line break between two CJK characters was folded."""
        literal = self._unfolded(event)
        return _join_cjk(value, literal) if literal is not None else value

    def _unfolded(self, event) -> str | None:
        """The text of a folded (`>`) or plain multi-line scalar with its line
        breaks kept: what YAML folded `value` from."""
        start, end = event.start_mark, event.end_mark
        lines = self.lines
        if end.line >= len(lines):
            return None
        if event.style == ">":
            if re.match(r">[-+]?[1-9]", lines[start.line][start.column:]):
                return None  # an explicit indentation: rare, left as YAML folds it
            body = lines[start.line + 1:end.line] + ([lines[end.line][:end.column]] if end.column else [])
            first = next((line for line in body if line.strip(" ")), None)
            if first is None:
                return None
            indent = len(first) - len(first.lstrip(" "))
            return "\n".join(line[indent:] if line.strip(" ") else "" for line in body)
        if _plain_style(event):
            body = [lines[start.line][start.column:], *lines[start.line + 1:end.line], lines[end.line][:end.column]]
            return "\n".join(line.strip(" \t") for line in body)
        return None

    def _key(self, event) -> str | None:
        if isinstance(event, ScalarEvent) and event.anchor is None and event.tag is None and event.value != "<<":
            return event.value
        if isinstance(event, ScalarEvent):
            if self._check_node(event):
                if event.value == "<<" and _plain_style(event):
                    self._problem(event.start_mark, "merge-key",
                                  _("'<<' merges another block in; plans do not use it: write the keys out in full"))
                    return None
                return event.value
            return None
        if isinstance(event, AliasEvent):
            self._problem(event.start_mark, "alias",
                          _("'*%(anchor)s' is an alias; plans do not use anchors and aliases: write the key out").format(
                                      anchor=event.anchor))
            return None
        self._problem(event.start_mark, "complex-key", _("a key must be a plain word, not a list or a block"))
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
                              _("'%(value)s' is not a real date: check the day and month (YYYY-MM-DD)").format(value=event.value))
            else:
                self._problem(event.start_mark, "invalid-value", _("'%(value)s' cannot be read").format(value=event.value))
            return _UNREADABLE
        if isinstance(value, _dt.datetime):
            if (value.hour, value.minute, value.second, value.microsecond) != (0, 0, 0, 0) or value.tzinfo:
                day = value.date().isoformat()
                self._problem(event.start_mark, "date-with-time",
                              _("'%(value)s' has a time of day, but the plan's dates are days: write %(day)s "
                                "(or put the value in quotes if it is text, not a date)").format(value=event.value, day=day))
                return _UNREADABLE
            value = value.date()
        if isinstance(value, _dt.date) and not FIRST_YEAR <= value.year <= LAST_YEAR:
            self._problem(event.start_mark, "date-out-of-range",
                          _("'%(value)s' is not a date this plan can mean: check the year "
                            "(the plan's dates lie between %(first)s and %(last)s)").format(
                              value=event.value, first=FIRST_YEAR, last=LAST_YEAR))
            return _UNREADABLE
        return value


class _CommaRun:
    """The entries of one { } mapping that an ASCII comma split off a value."""

    def __init__(self):
        self.last = None      # (key event, value event) of the last entry with a plain value
        self.pieces = []      # key events of the pieces split off it
        self.comma = None     # (line, col), 0-based, of the first comma


def _join_cjk(folded: str, literal: str) -> str:
    """`folded` with the spaces that stand for a line break between two CJK
    characters of `literal` taken out; `folded` itself if the two do not line up."""
    out = []
    i = j = 0
    while j < len(folded):
        if i < len(literal) and literal[i] == folded[j]:
            out.append(folded[j])
        elif i < len(literal) and literal[i] == "\n" and folded[j] == " ":
            joined = 0 < i < len(literal) - 1 and CJK.match(literal[i - 1]) and CJK.match(literal[i + 1])
            if not joined:
                out.append(" ")
        elif i < len(literal) and literal[i] == "\n":
            i += 1  # a break that folding took away (before an empty line)
            continue
        elif i >= len(literal) and folded[j] == "\n":
            out.append("\n")  # the final line break that YAML keeps (clip, keep)
        else:
            return folded
        i += 1
        j += 1
    return "".join(out)


def _plain_style(event) -> bool:
    # libyaml reports a plain scalar's style as '', the pure-Python parser as None
    return not event.style


def _short_tag(tag: str) -> str:
    return "!!" + tag[len(_TAG):] if tag.startswith(_TAG) else tag
