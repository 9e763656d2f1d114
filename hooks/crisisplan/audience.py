"""Who may read what: the audience of every field, and the plan as one audience may read it.

The handbook holds what must never leave the organisation (staff's personal
numbers, how accounts are recovered, monitoring thresholds, unused
statements) next to what a PR agency needs and what the public may read.
Each field's schema says the widest audience that may read it:

    phones: {type: list, audience: internal, ...}
    email: {type: string, audience: {when: {kind: internal}, then: internal}}

* `internal`: the organisation's own staff only;
* `partner`: also partners the organisation works with (a PR agency);
* `public`: anyone.

A field that says nothing inherits the audience of the block or list it is
in; a section's top-level fields inherit the section's `audience:` in
schema/sections.yaml (`partner` when it gives none). The conditional form
looks up each field named in `when` in the entry itself, else in the blocks
around it (a phone number's `label`, its person's `kind`): `then` applies
when every one matches (a value, or any value of a list), `else` (or the
inherited audience) otherwise. An organisation changes audiences by data:
its own schema/audiences.yaml maps `section: audience` or
`section: {field.path: audience}` (paths as the plan format reference writes
them, e.g. `people[].email`).

`redact(plan, "partner", schemas)` is the checked plan with everything a
partner may not read taken out, applied before rendering and diffing, so no
template ever sees a redacted value: a block or list left empty goes too, and
a reference to an entry that went is dropped, so links never break.
`hidden(plan, "partner", schemas)` lists the values taken out, from the same
walk, for tests and reviews.
"""
from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass
from typing import Any, Iterator

from .messages import Listing, Message, _, pgettext, say

INTERNAL, PARTNER, PUBLIC = "internal", "partner", "public"
AUDIENCES = (INTERNAL, PARTNER, PUBLIC)  # narrowest first
LABELS = {INTERNAL: "Internal", PARTNER: "Partner", PUBLIC: "Public"}
RULE = "audience"
DEFAULT = PARTNER  # of a section whose registry entry names none
OVERRIDES = "audiences"  # schema/audiences.yaml: an organisation's own audiences
ENV = "CRISISPLAN_AUDIENCE"
_WIDTH = {name: i for i, name in enumerate(AUDIENCES)}
_CONDITION_KEYS = {"when", "then", "else"}


class AudienceError(ValueError):
    """An audience name that is not one of AUDIENCES; the message lists them."""


def check(name: str | None) -> str:
    """`name` as an audience (default: internal), or AudienceError saying which there are."""
    if name is None or name == "":
        return INTERNAL
    name = str(name).strip().lower()
    if name not in _WIDTH:
        raise AudienceError(f"'{name}' is not an audience: use {', '.join(AUDIENCES)}")
    return name


def narrowest(*audiences: str) -> str:
    return min(audiences, key=lambda name: _WIDTH.get(name, 0))


def may_read(reader: str, audience: str) -> bool:
    """Whether `reader` may read a value whose widest audience is `audience`."""
    return _WIDTH.get(audience, 0) >= _WIDTH[reader]


def rule_fault(value) -> str | None:
    """What is wrong with an `audience:` rule in a schema, in words, or None."""
    choices = Listing(AUDIENCES, final=None, quoted=False)
    if isinstance(value, str):
        return None if value in _WIDTH else _("'%(value)s' is not an audience: use %(choices)s").format(
            value=value, choices=choices)
    if not isinstance(value, dict):
        return _("an audience is one of %(choices)s, or a block of 'when', 'then' and 'else'").format(choices=choices)
    unknown = set(value) - _CONDITION_KEYS
    if unknown:
        return _("'%(key)s' is not part of an audience: use when, then, else").format(key=sorted(unknown)[0])
    if not isinstance(value.get("when"), dict) or not value["when"]:
        return _("'when' must be a block of 'field: value' lines, the values that make 'then' apply")
    for key in ("then", "else"):
        if key in value and value[key] not in _WIDTH:
            return _("'%(key)s' must be one of %(choices)s").format(key=key, choices=choices)
    if "then" not in value:
        return "a conditional audience needs 'then', the audience when every 'when' matches"
    return None


def declared(rules: dict, scopes: list[dict]) -> str | None:
    """The audience a field's rules give it, where `scopes` are the blocks
    around its value, innermost first; None when the rules give none (it inherits)."""
    rule = rules.get(RULE) if isinstance(rules, dict) else None
    if rule is None:
        return None
    if isinstance(rule, str):
        return rule if rule in _WIDTH else INTERNAL  # a broken rule hides, never shows
    if not isinstance(rule, dict) or rule_fault(rule):
        return INTERNAL
    matches = all(_matches(_lookup(scopes, name), wanted) for name, wanted in rule["when"].items())
    return rule["then"] if matches else rule.get("else")


def _lookup(scopes: list[dict], name: str):
    for scope in scopes:
        if isinstance(scope, dict) and name in scope:
            return scope[name]
    return None


def _matches(value, wanted) -> bool:
    return value in wanted if isinstance(wanted, list) else value == wanted


# --- the plan as one audience reads it ---------------------------------------------------

_GONE = object()


@dataclass(frozen=True)
class Hidden:
    """A value the audience may not read: where it is, the value, and its field's rules."""
    file: str
    path: tuple
    value: Any
    rules: dict


class _Walk:
    def __init__(self, reader: str, known: dict[str, set] | None, kinds: set[str]):
        self.reader = reader
        self.known = known  # ids that survived the previous pass, by kind (None: first pass)
        self.kinds = kinds  # kinds the plan defines: references to others are left alone
        self.index: dict[str, dict[str, dict]] = {}
        self.hidden: list[Hidden] = []
        self.file = ""
        self.ceiling = PUBLIC  # the widest audience anything in the current section may have

    def mapping(self, schema: dict, data: dict, audience: str, scopes: list, path: tuple) -> dict:
        out = {}
        for key, value in data.items():
            rules = schema.get(key) if isinstance(schema, dict) else None
            kept = self.value(rules if isinstance(rules, dict) else {}, value, audience, scopes, path + (key,))
            if kept is not _GONE:
                out[key] = kept
        for key, rules in (schema or {}).items():
            if isinstance(rules, dict) and rules.get("defines") and isinstance(out.get(key), str):
                self.index.setdefault(rules["defines"], {}).setdefault(out[key], out)
        return out

    def value(self, rules: dict, value, inherited: str, scopes: list, path: tuple):
        here = [value, *scopes] if isinstance(value, dict) else scopes
        audience = narrowest(declared(rules, here) or inherited, self.ceiling)
        if isinstance(value, dict):
            inner, values = rules.get("schema"), rules.get("valuesrules")
            if rules.get("type") == "dict" and isinstance(inner, dict):
                out = self.mapping(inner, value, audience, here, path)
            elif isinstance(values, dict):
                out = {}
                for key, item in value.items():
                    kept = self.value(values, item, audience, here, path + (key,))
                    if kept is not _GONE:
                        out[key] = kept
            else:  # a block the schema does not describe: all of it, or none
                return value if self.visible(rules, value, audience, path) else _GONE
            return out if out or not value else _GONE
        if isinstance(value, list):
            inner = rules.get("schema") if isinstance(rules.get("schema"), dict) else {}
            out = []
            for i, item in enumerate(value):
                kept = self.value(inner, item, audience, scopes, path + (i,))
                if kept is not _GONE:
                    out.append(kept)
            return out if out or not value else _GONE
        return value if self.visible(rules, value, audience, path) else _GONE

    def visible(self, rules: dict, value, audience: str, path: tuple) -> bool:
        if not may_read(self.reader, audience):
            self.hidden.append(Hidden(self.file, path, value, rules))
            return False
        ref = rules.get("ref")
        if self.known is not None and ref in self.kinds and isinstance(value, str) \
                and value not in self.known.get(ref, set()):
            return False  # the entry it names is not in this audience's plan
        return True


def section_default(schemas, name: str) -> str:
    """The audience a section's top-level fields inherit."""
    section = schemas.sections.get(name)
    return getattr(schemas, "audiences", {}).get(name) or (section.audience if section else None) or DEFAULT


def section_ceiling(schemas, name: str) -> str:
    """The widest audience anything in a section may have: what audiences.yaml
    sets for the whole section is the most it shows, whatever its fields say."""
    return getattr(schemas, "audiences", {}).get(name) or PUBLIC


def _walk_plan(plan, reader: str, schemas, known=None, kinds=frozenset()):
    """One pass over every section of `plan`: (domains, folders by name, walk)."""
    walk = _Walk(reader, known, set(kinds))
    domains: dict[str, dict] = {}
    for name in plan.registry.files:
        data = plan.domains.get(name)
        if not isinstance(data, dict):
            continue
        walk.file, walk.ceiling = f"{name}.yaml", section_ceiling(schemas, name)
        domains[name] = walk.mapping(schemas.by_name.get(name, {}), data, section_default(schemas, name), [data], ())
    folders: dict[str, dict[str, dict]] = {}
    for name in plan.registry.folders:
        entries = {}
        for stem, data in plan.folder(name).items():
            if not isinstance(data, dict):
                continue
            walk.file, walk.ceiling = f"{name}/{stem}.yaml", section_ceiling(schemas, name)
            kept = walk.mapping(schemas.by_name.get(name, {}), data, section_default(schemas, name), [data], ())
            if kept:
                entries[stem] = kept
        folders[name] = entries
    return domains, folders, walk


def redact(plan, audience: str, schemas=None):
    """The plan as `audience` may read it (a new Plan; `plan` is not changed).

    The internal audience reads everything: the plan itself is returned."""
    audience = check(audience)
    if audience == INTERNAL or plan is None:
        return plan
    schemas = schemas or _schemas_of(plan)
    kinds = set(plan.index)
    known = None
    # Dropping references can only empty blocks, never ids: two passes settle it.
    for _attempt in range(3):
        domains, folders, walk = _walk_plan(plan, audience, schemas, known, kinds)
        now = {kind: set(ids) for kind, ids in walk.index.items()}
        if now == known:
            break
        known = now
    for name, entries in folders.items():
        if name not in ("playbooks", "trees"):
            domains[name] = entries
    return dataclasses.replace(plan, domains=domains, playbooks=folders.get("playbooks", {}),
                               trees=folders.get("trees", {}), index=walk.index, audience=audience)


def setting(configured: str | None = None, environ=None) -> str:
    """The audience a handbook is built for: $CRISISPLAN_AUDIENCE, else the
    configured one (mkdocs.yml's extra.crisisplan.audience), else internal.
    AudienceError for a name that is not an audience."""
    environ = os.environ if environ is None else environ
    return check(environ.get(ENV) or configured)


def marker(plan) -> dict:
    """What every page's marker says about the audience (see theme/main.html)."""
    name = getattr(plan, "audience", INTERNAL)
    return {"audience": name, "audience_label": LABELS[name]}


def hidden(plan, audience: str, schemas=None) -> list[Hidden]:
    """Every value of `plan` (the whole plan) that `audience` may not read, by the schemas' audiences."""
    audience = check(audience)
    if audience == INTERNAL or plan is None:
        return []
    return _walk_plan(plan, audience, schemas or _schemas_of(plan))[2].hidden


def _schemas_of(plan):
    from .plan import local_schema_dir
    from .schema import load_schemas

    return load_schemas(extra=local_schema_dir(plan.root))


# --- the audience of each field, for the plan format reference -----------------------------

# The audiences in words, for the reference page.
AUDIENCE_WORDS = {INTERNAL: pgettext("audience", "internal"), PARTNER: pgettext("audience", "partner"),
                  PUBLIC: pgettext("audience", "public")}


def describe(rule, inherited: str) -> str:
    """A field's audience in words: "partner", or "internal when kind is internal, else partner"
    (a Message, said in the reader's language by `in_words`)."""
    if rule is None:
        return inherited
    if isinstance(rule, str):
        return rule if rule in _WIDTH else INTERNAL
    if not isinstance(rule, dict) or rule_fault(rule):
        return INTERNAL
    value = pgettext("a value a condition names", "%(value)s")  # quoted where the language quotes them
    conditions = [_("%(field)s is %(values)s").format(field=name, values=_joined(
        [value.format(value=v) for v in (wanted if isinstance(wanted, list) else [wanted])], _("%(before)s or %(after)s")))
        for name, wanted in rule["when"].items()]
    return _("%(then)s when %(conditions)s, else %(otherwise)s").format(
        then=_word(rule["then"]), conditions=_joined(conditions, _("%(before)s and %(after)s")),
        otherwise=_word(rule.get("else") or inherited))


def in_words(audience, language) -> str:
    """An audience (a name, or describe's phrase) in `language`."""
    return say(_word(audience), language)


def _word(name):
    return AUDIENCE_WORDS.get(name, name) if isinstance(name, str) and not isinstance(name, Message) else name


def _joined(items: list, joint: Message):
    out = items[0] if isinstance(items[0], Message) else str(items[0])
    for item in items[1:]:
        out = joint.format(before=out, after=item)
    return out


def field_audiences(schema: dict, inherited: str, prefix: str = "") -> Iterator[tuple[str, str]]:
    """(field path as the reference page writes it, audience in words) for every
    field of a schema; a list's items carry their rule on the list's own line."""
    for name, rules in (schema or {}).items():
        if not isinstance(rules, dict):
            continue
        path = f"{prefix}{name}"
        words = describe(rules.get(RULE), inherited)
        inner = rules.get("schema")
        if rules.get("type") == "list" and isinstance(inner, dict):
            words = describe(inner.get(RULE), words)
        yield path, words
        if rules.get("type") == "dict" and isinstance(inner, dict):
            yield from field_audiences(inner, words, path + ".")
        elif rules.get("type") == "list" and isinstance(inner, dict) and isinstance(inner.get("schema"), dict) \
                and inner.get("type") == "dict":
            yield from field_audiences(inner["schema"], words, path + "[].")
        values = rules.get("valuesrules")
        if isinstance(values, dict) and isinstance(values.get("schema"), dict) and values.get("type") == "dict":
            key = "<step id>" if path.endswith("nodes") else "<group>"
            yield from field_audiences(values["schema"], describe(values.get(RULE), words), f"{path}.{key}.")


def annotate(fields, schema: dict, schemas, section: str | None, language=None) -> list:
    """The reference page's fields (render.Field) with the audience of each, in
    `section` (None: the review block every section shares), in `language`'s words."""
    inherited = section_default(schemas, section) if section else DEFAULT
    ceiling = section_ceiling(schemas, section) if section else PUBLIC
    words = dict(field_audiences(schema, inherited))

    def capped(text: str) -> str:
        return narrowest(text, ceiling) if text in _WIDTH else text if ceiling == PUBLIC else ceiling

    return [dataclasses.replace(f, audience=in_words(capped(words.get(f.path, inherited)), language)) for f in fields]


def rules_of(schema: dict, path: str) -> dict | None:
    """The rules at a reference-style field path (`people[].phones[].number`), or None.

    A path ending in `[]` names the items of a list."""
    rules: Any = {"type": "dict", "schema": schema}
    for part in path.split("."):
        listy = part.endswith("[]")
        name = part[:-2] if listy else part
        inner = rules.get("schema") if isinstance(rules, dict) else None
        if not isinstance(inner, dict) or rules.get("type") != "dict" or not isinstance(inner.get(name), dict):
            return None
        rules = inner[name]
        if listy:
            items = rules.get("schema")
            if rules.get("type") != "list" or not isinstance(items, dict):
                return None
            rules = items
    return rules
