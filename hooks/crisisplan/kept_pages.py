"""Pages kept between `mkdocs serve` rebuilds: a rebuild renders again only what an edit changed.

    kept = KeptPages()                          # once, for the life of the server
    render.render_pages(plan, folders, kept=kept)  # each rebuild

While a page is rendered, what its template (and each macro it calls) reads of
the plan is noted: the `PlanView` attributes and the plan's sections, read
through stand-ins for `v` and `plan` (`Noted`). The next render with the same
`KeptPages` gives a page its previous text, without rendering it, when

- the setting is the same: the template files (path, time, size), the language
  and the schemas (the same objects: both are read again only when a file of
  theirs changed), today's date and the audience;
- the page's own arguments (its playbook, its tree, its part of the contact
  list, ...) are the same; and
- everything it read is the same.

"The same" is compared as written out (repr), so order counts (a list or a
mapping reordered is a change), and anything that cannot be written out
exactly counts as changed. A render that fails keeps nothing of itself.

Only previews use this: `mkdocs build` renders every page, so what is published
never depends on it. A 2,000-person plan's contact list is most of a render,
and an edit elsewhere (a playbook, the plan's version) leaves it as it was.
"""
from __future__ import annotations

import inspect
import types
from functools import lru_cache
from typing import Callable

# What a page read: ("v", attribute), ("plan", attribute) or ("plan", "[]", section).
Key = tuple


class Reads:
    """The keys read while a page (or a macro within it) is rendered: `current`, the innermost."""

    def __init__(self) -> None:
        self.current: set[Key] = set()  # outside any page: noted and never asked for

    def update(self, keys) -> None:
        self.current.update(keys)

    def during(self, compute: Callable[[], str]) -> tuple[str, set[Key]]:
        """compute() and what it read, which counts for the enclosing page or macro too."""
        outer = self.current
        keys = self.current = set()
        try:
            return compute(), keys
        finally:
            self.current = outer
            outer.update(keys)


class Noted:
    """`obj` as a template sees it, noting each attribute and item read of it in `reads`.

    Methods and properties run with this stand-in as `self`, so what they read
    is noted too. `fixed` names attributes given as they are and not noted: they
    belong to the setting (the language, the schemas, today) or are stand-ins
    themselves (the view's `plan`). The data does not change during a render, so
    what an attribute is is looked up once; that it was read is noted each time."""

    __slots__ = ("_obj", "_tag", "_reads", "_fixed", "_seen")

    def __init__(self, obj, tag: str, reads: Reads, fixed: dict | None = None) -> None:
        self._obj, self._tag, self._reads, self._fixed = obj, tag, reads, fixed or {}
        self._seen: dict[str, tuple] = {}

    def __getattr__(self, name: str):
        try:
            key, value = self._seen[name]
        except KeyError:
            key, value = self._seen[name] = self._look(name)
        if key is None:
            return value
        if key is _PROPERTY:
            return value(self)
        self._reads.current.add(key)
        return value

    def _look(self, name: str) -> tuple:
        """(the key to note or None, the value), or (_PROPERTY, its getter)."""
        if name in self._fixed:
            return None, self._fixed[name]
        kind = _kinds(type(self._obj)).get(name)
        if kind == "method":
            return None, types.MethodType(getattr(type(self._obj), name), self)
        if kind == "property":
            return _PROPERTY, getattr(type(self._obj), name).fget
        value = getattr(self._obj, name)
        return (None if kind else (self._tag, name)), value

    def __getitem__(self, key):
        self._reads.current.add((self._tag, "[]", key))
        return self._obj[key]


_PROPERTY = ("property",)


@lru_cache(maxsize=None)
def _kinds(cls: type) -> dict[str, str]:
    """name -> "method", "property" or "static" for what `cls` itself defines; data is absent."""
    kinds = {}
    for name in dir(cls):
        value = inspect.getattr_static(cls, name)
        if isinstance(value, property):
            kinds[name] = "property"
        elif inspect.isfunction(value):
            kinds[name] = "method"
        elif isinstance(value, (staticmethod, classmethod)) or callable(value):
            kinds[name] = "static"
    return kinds


def _written(value) -> str | None:
    """`value` written out to compare it with what it was: its repr, which for plan data
    (dicts, lists, text, numbers, dates) is exact and keeps the order. Anything else, an
    object whose repr is its address, say, cannot be compared: None, a change."""
    try:
        text = repr(value)
    except Exception:  # noqa: BLE001 - cannot be compared: changed
        return None
    return None if " at 0x" in text else text


class KeptPages:
    """The pages of the last render, with what each read, for the next render to reuse."""

    def __init__(self) -> None:
        self.setting: tuple = ((), None)
        self.pages: dict[str, tuple[str | None, frozenset, str]] = {}
        self.values: dict[Key, str] = {}
        self.rendered: list[str] = []  # the pages the last render rendered (the others were kept)

    def start(self, objects: tuple, values: tuple, sources: dict[str, object]) -> "Render":
        """One render. Its setting is `objects`, compared by identity (the language, the
        schemas), and `values`, compared by equality (the template files' stamps, today, the
        audience); `sources` are what the keys are read from: {"v": view, "plan": plan}."""
        objects_then, values_then = self.setting
        if not (len(objects) == len(objects_then) and all(a is b for a, b in zip(objects, objects_then))
                and values == values_then):
            self.pages, self.values = {}, {}
        return Render(self, (objects, values), sources)


class Render:
    """One render with a `KeptPages`: `page()` for each page, then `finish()`."""

    def __init__(self, kept: KeptPages, setting: tuple, sources: dict[str, object]) -> None:
        self.kept, self.setting, self.sources = kept, setting, sources
        self.reads = Reads()
        self.pages: dict[str, tuple[str | None, frozenset, str]] = {}
        self.values: dict[Key, str | None] = {}
        self.rendered: list[str] = []

    def noted(self, tag: str, fixed: dict | None = None) -> Noted:
        """The source `tag` names as the templates are to see it."""
        return Noted(self.sources[tag], tag, self.reads, fixed)

    def value(self, key: Key) -> str | None:
        """What `key` reads now, written out (once a render); None if it cannot be."""
        if key not in self.values:
            tag, *rest = key
            source = self.sources[tag]
            try:
                value = source[rest[1]] if rest[0] == "[]" else getattr(source, rest[0])
            except Exception:  # noqa: BLE001 - no longer there: changed
                self.values[key] = None
            else:
                self.values[key] = _written(value)
        return self.values[key]

    def unchanged(self, key: Key) -> bool:
        now = self.value(key)
        return now is not None and now == self.kept.values.get(key)

    def page(self, path: str, arguments, render: Callable[[], str]) -> str:
        """The page's text: kept from the last render if nothing it depends on changed, else `render()`."""
        own = _written(arguments)
        kept = self.kept.pages.get(path)
        if own is not None and kept is not None and kept[0] == own and all(map(self.unchanged, kept[1])):
            self.pages[path] = kept
            return kept[2]
        text, keys = self.reads.during(render)
        self.pages[path] = (own, frozenset(keys), text)
        self.rendered.append(path)
        return text

    def remembered(self, compute: Callable[[], str]) -> tuple[str, set[Key]]:
        """A macro's result with what it read, for `again()` when another page asks for it."""
        return self.reads.during(compute)

    def again(self, keys: set[Key]) -> None:
        """What a remembered macro result read counts for the page asking for it again."""
        self.reads.update(keys)

    def finish(self) -> None:
        """The render succeeded: its pages are the ones the next render compares with."""
        for _, keys, _ in self.pages.values():
            for key in keys:
                self.value(key)
        self.kept.setting = self.setting
        self.kept.pages = self.pages
        self.kept.values = {key: value for key, value in self.values.items() if value is not None}
        self.kept.rendered = self.rendered


