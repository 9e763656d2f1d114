"""The registry of plan sections (`schema/sections.yaml`): which files a plan
has, what each is called, where its page goes and which template draws it,
and the ids it defines. Validation, rendering and the diff all read it, so a
new section is data: a plan repository adds one with its own
`schema/sections.yaml`, a schema and a page template, and no Python.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .audience import AUDIENCES
from .load import LoadedFile
from .messages import Listing, _
from .problems import Problem

REGISTRY = "sections"
_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_KEYS = {"name", "title", "folder", "entry", "template", "kinds", "after", "audience"}


@dataclass(frozen=True)
class Kind:
    name: str
    noun: str | None = None  # "a person in contacts.yaml", for messages
    anchor: str | None = None  # "contacts.md#{}": where the handbook shows one


@dataclass(frozen=True)
class Section:
    name: str
    title: str
    folder: bool = False
    entry: str | None = None  # what one file of a folder section is called
    template: str = ""
    kinds: tuple[Kind, ...] = ()
    audience: str | None = None  # the widest audience its fields inherit (see audience.py)

    @property
    def file(self) -> str:
        """The section in the plan folder: 'contacts.yaml' or 'playbooks/'."""
        return f"{self.name}/" if self.folder else f"{self.name}.yaml"

    @property
    def page(self) -> str:
        """Its page under docs/ (a folder section's index page)."""
        return f"{self.name}/index.md" if self.folder else f"{self.name}.md"


@dataclass(frozen=True)
class Registry:
    sections: tuple[Section, ...] = ()

    @property
    def files(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.sections if not s.folder)

    @property
    def folders(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.sections if s.folder)

    def get(self, name: str) -> Section | None:
        return next((s for s in self.sections if s.name == name), None)

    def title(self, name: str) -> str:
        """A section's title; a section the registry does not know keeps its name."""
        section = self.get(name)
        return section.title if section else name

    @property
    def nouns(self) -> dict[str, str]:
        return {k.name: k.noun for s in self.sections for k in s.kinds if k.noun}

    @property
    def anchors(self) -> dict[str, str]:
        return {k.name: k.anchor for s in self.sections for k in s.kinds if k.anchor}


@dataclass
class _Parsed:
    sections: list[Section] = field(default_factory=list)
    after: dict[str, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


def parse(loaded: LoadedFile) -> _Parsed:
    """The sections of one sections.yaml, with a problem at its line for each
    entry that cannot be used (that entry is left out)."""
    out = _Parsed(problems=list(loaded.problems))
    if not isinstance(loaded.data, dict):
        return out  # the loader has said why
    data = loaded.data.get("sections")
    if not isinstance(data, list) or set(loaded.data) != {"sections"}:
        out.problems.append(loaded.problem((), "bad-registry", _("sections.yaml holds one key, 'sections:', "
                                                                 "a list of sections each starting with '- name:'")))
        return out
    for i, entry in enumerate(data):
        fault = _fault(entry)
        if fault:
            path, words = fault
            out.problems.append(loaded.problem(("sections", i, *path), "bad-registry", words, on_key=bool(path)))
            continue
        kinds = tuple(Kind(name, **(rules or {})) for name, rules in (entry.get("kinds") or {}).items())
        out.sections.append(Section(entry["name"], entry["title"], bool(entry.get("folder")), entry.get("entry"),
                                    entry.get("template") or entry["name"], kinds, entry.get("audience")))
        if entry.get("after"):
            out.after[entry["name"]] = entry["after"]
    return out


def _fault(entry) -> tuple[tuple, str] | None:
    if not isinstance(entry, dict):
        return (), _("each section is a block starting with '- name:'")
    for key in entry:
        if key not in _KEYS:
            return (key,), _("'%(key)s' is not a section setting: use %(keys)s").format(
                key=key, keys=Listing(sorted(_KEYS), final=None, quoted=False))
    name = entry.get("name")
    if not isinstance(name, str) or not _NAME.match(name):
        return ("name",) if "name" in entry else (), \
            _("each section needs a name of lower-case letters, digits and hyphens, the name of its file")
    for key in ("title", "entry", "template", "after"):
        if key in entry and not (isinstance(entry[key], str) and entry[key].strip()):
            return (key,), _("'%(key)s' must be text").format(key=key)
    if "title" not in entry:
        return (), _("the section '%(name)s' needs a title: the name shown in the navigation").format(name=name)
    if "audience" in entry and entry["audience"] not in AUDIENCES:
        return ("audience",), _("'audience' must be one of %(choices)s: the widest audience that may read the section").format(
            choices=Listing(AUDIENCES, final=None, quoted=False))
    kinds = entry.get("kinds")
    if kinds is not None and not isinstance(kinds, dict):
        return ("kinds",), _("'kinds' must be a block of 'kind: {noun: ..., anchor: ...}' lines")
    for kind, rules in (kinds or {}).items():
        if rules is not None and (not isinstance(rules, dict) or set(rules) - {"noun", "anchor"}
                                  or not all(isinstance(v, str) for v in rules.values())):
            return ("kinds", kind), _("a kind's settings are 'noun' and 'anchor', both text")
    return None


def merge(base: _Parsed, extra: _Parsed) -> Registry:
    """The packaged sections with a plan repository's own: one of the same name
    replaces the packaged one in place; a new one goes after the section its
    `after` names, else before "About this plan" (else last)."""
    sections = list(base.sections)
    for section in extra.sections:
        names = [s.name for s in sections]
        if section.name in names:
            sections[names.index(section.name)] = section
            continue
        anchor = extra.after.get(section.name)
        if anchor in names:
            sections.insert(names.index(anchor) + 1, section)
        elif "about" in names:
            sections.insert(names.index("about"), section)
        else:
            sections.append(section)
    return Registry(tuple(sections))
