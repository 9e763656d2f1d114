"""The Cerberus schemas in `schema/`: loading them and the rules they add.

A schema is plain Cerberus written as YAML.  Two things are added:

* a field's rules may be the name of a rule set in `schema/common.yaml`
  (`owner: contact_ref`); names are expanded when the schema is loaded;
* the rules `defines` (this field is the id of a KIND), `ref` (this field
  must be the id of a KIND), `phone`, `email` and `time_zone` are checked
  across the whole plan by `crosscheck.py`, and left out of what Cerberus
  runs (`PLAN_RULES`).  `meta` carries the field's meaning for the
  reference page and for messages; `audience` the widest audience that may
  read the field (see audience.py), which a plan repository may change in its
  own schema/audiences.yaml.
"""
from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import cerberus
from cerberus.schema import UnvalidatedSchema

from . import audience, sections
from .hints import closest
from .load import LoadedFile, load_file
from .messages import _
from .problems import Problem

COMMON = "common"


def bundled_dir(in_checkout: str, in_package: str, marker: str) -> Path:
    """A folder of this checkout (e.g. `schema/`), or its copy installed inside the package.

    The repository's folders win, so editing them takes effect without a reinstall."""
    here = Path(__file__).resolve().parent
    checkout = here.parent.parent / in_checkout
    return checkout if (checkout / marker).is_file() else here / in_package


def schema_dir() -> Path:
    return bundled_dir("schema", "schemas", "common.yaml")


@dataclass
class Unit:
    """A schema cut into pieces Cerberus validates one at a time.

    Cerberus slows down sharply as errors pile up in one document, so each
    item of a list of blocks (each contact, each checklist step) is
    validated on its own with `items[field]`.
    """
    validator: cerberus.Validator
    schema: dict  # the rules with their meanings, for messages
    items: dict[str, "Unit"] = field(default_factory=dict)


@dataclass
class Schemas:
    by_name: dict[str, dict]  # expanded schemas, by the name of what they govern
    problems: list[Problem]
    sound: set[str] = field(default_factory=set)  # schemas known to be valid Cerberus
    sections: sections.Registry = field(default_factory=sections.Registry)  # the plan's sections
    audiences: dict[str, str] = field(default_factory=dict)  # section -> audience, from audiences.yaml
    _units: dict[str, Unit] = field(default_factory=dict)

    def unit(self, name: str) -> Unit | None:
        """The Cerberus units of a schema, built on first use (and kept with the schemas)."""
        if name not in self._units and name in self.by_name:
            self._units[name] = compile_unit(self.by_name[name], checked=name in self.sound)
        return self._units.get(name)


def load_schemas(directory: Path | None = None, extra: Path | None = None) -> Schemas:
    """The schemas in `directory` (default: the packaged ones), and the section
    registry beside them; `extra` is a plan repository's own schema folder,
    whose schemas and sections add to these or replace them by name.

    Kept in memory for the life of the process (with the Cerberus validators
    built from them, see Schemas.unit), by the path, time and size of every
    file they are read from: under `mkdocs serve` a rebuild reuses them, and
    a schema file that was edited, added or removed is read again."""
    directory = Path(directory or schema_dir())
    extra = Path(extra) if extra else None
    return _load_schemas(directory, extra, file_stamps(directory, extra))


def file_stamps(*folders: Path | str | None, pattern: str = "*.yaml") -> tuple[tuple[str, int, int], ...]:
    """(path, modification time in ns, size) of each file matching `pattern` in `folders`:
    by default the schema files; the page templates for a preview (kept_pages.py)."""
    stamps = []
    for folder in folders:
        for path in sorted(Path(folder).glob(pattern)) if folder else ():
            try:
                stat = path.stat()
            except OSError:  # removed since it was listed: the next call sees it gone
                continue
            stamps.append((str(path), stat.st_mtime_ns, stat.st_size))
    return tuple(stamps)


@lru_cache(maxsize=4)
def _load_schemas(directory: Path, extra: Path | None, stamps: tuple) -> Schemas:
    """(See load_schemas; `stamps` only keys the cache.)"""
    problems: list[Problem] = []
    raw: dict[str, LoadedFile] = {}
    registries = []
    overrides: list[LoadedFile] = []
    common: dict = {}
    for folder, shown in ((directory, "schema"), (extra, str(extra))) if extra else ((directory, "schema"),):
        registry_file = None
        for path in sorted(Path(folder).glob("*.yaml")):
            loaded = load_file(path.read_bytes(), f"{shown}/{path.name}")
            if path.stem == sections.REGISTRY:
                registry_file = loaded
                continue
            if path.stem == audience.OVERRIDES:
                problems += loaded.problems
                overrides.append(loaded)
                continue
            problems += loaded.problems
            if isinstance(loaded.data, dict):
                raw[path.stem] = loaded
        registries.append(sections.parse(registry_file) if registry_file else sections._Parsed())
        if COMMON in raw:
            common = {**common, **raw.pop(COMMON).data}
    for parsed in registries:
        problems += parsed.problems
    schemas = Schemas({}, problems, sections=sections.merge(registries[0], registries[1])
                      if len(registries) > 1 else sections.merge(registries[0], sections._Parsed()))
    # Cerberus checks a schema when a validator is built from it, slowly.  A
    # schema of plain rules is checked by `schema_fault` instead.
    for name, loaded in raw.items():
        fault = None
        try:
            schemas.by_name[name] = expand(loaded.data, common)
            fault = schema_fault(schemas.by_name[name])
            if fault is None:
                schemas.sound.add(name)
        except NotPlain:
            try:
                schemas.unit(name)  # built with Cerberus' own check
            except Exception as exc:  # whatever Cerberus makes of a broken schema, it cannot be used
                fault = _cerberus_fault(exc)
        except SchemaFault as exc:
            fault = exc.args
        if fault:
            path, words = fault
            schemas.by_name.pop(name, None)
            problems.append(loaded.problem(path, "bad-schema", _("the schema cannot be used: %(fault)s").format(fault=words), on_key=True))
    for loaded in overrides:
        problems += _apply_audiences(loaded, schemas)
    return schemas


def _apply_audiences(loaded: LoadedFile, schemas: Schemas) -> list[Problem]:
    """Put the audiences of an audiences.yaml into the schemas: `section: audience`
    sets what a section's fields inherit, `section: {field.path: audience}` one
    field's (paths as the plan format reference writes them)."""
    problems = []
    if not isinstance(loaded.data, dict):
        return problems if loaded.data is None else [loaded.problem((), "bad-audience", (
            _("audiences.yaml maps each section to an audience, or to a block of 'field.path: audience' lines")))]
    for name, value in loaded.data.items():
        if name not in schemas.by_name:
            close = closest(str(name), schemas.by_name)
            message = (_("'%(name)s' is not a section: did you mean '%(hint)s'?").format(name=name, hint=close) if close
                       else _("'%(name)s' is not a section").format(name=name))
            problems.append(loaded.problem((name,), "bad-audience", message, on_key=True))
            continue
        if not isinstance(value, dict):
            fault = audience.rule_fault(value) if isinstance(value, str) else _("a section's audience is one name")
            if fault:
                problems.append(loaded.problem((name,), "bad-audience", fault))
            else:
                schemas.audiences[name] = value
            continue
        for path, rule in value.items():
            rules = audience.rules_of(schemas.by_name[name], str(path))
            fault = audience.rule_fault(rule)
            if rules is None:
                problems.append(loaded.problem((name, path), "bad-audience",
                                               _("'%(path)s' is not a field of %(name)s: write paths as the plan "
                                                 "format reference page does, e.g. people[].email").format(
                                                   path=path, name=name), on_key=True))
            elif fault:
                problems.append(loaded.problem((name, path), "bad-audience", fault))
            else:
                rules[audience.RULE] = rule
    return problems


class NotPlain(Exception):
    """The schema uses a rule that only Cerberus itself can judge."""


class SchemaFault(Exception):
    """(path in the schema, what is wrong in words)."""


# The Cerberus rules whose constraints `schema_fault` checks itself, with
# the types each constraint may have (as Cerberus' own schema of rules says)
# and those types in words.
_FLAG = ((bool,), _("true or false"))
PLAIN_RULES: dict[str, tuple[tuple, str]] = {
    "required": _FLAG, "nullable": _FLAG, "empty": _FLAG, "readonly": _FLAG, "require_all": _FLAG,
    "allow_unknown": _FLAG,
    "minlength": ((int,), _("a whole number")), "maxlength": ((int,), _("a whole number")),
    "min": ((object,), _("a value")), "max": ((object,), _("a value")),
    "allowed": ((list,), _("a list")), "forbidden": ((list,), _("a list")),
    "regex": ((str,), _("a regular expression")),
    "type": ((str, list), _("a type name or a list of them")),
    "schema": ((dict,), _("a block of rules")),
    "valuesrules": ((dict,), _("a block of rules")), "keysrules": ((dict,), _("a block of rules")),
}


def plain_schema(schema) -> bool:
    """Whether `schema` (a field mapping) is sound and uses plain rules only,
    so validators can be built from it without Cerberus' own check."""
    try:
        return schema_fault(schema) is None
    except NotPlain:
        return False


def schema_fault(schema, path: tuple = ()) -> tuple[tuple, str] | None:
    """The first fault of a field mapping as (path, words), or None when it is sound.

    Raises NotPlain when it uses a Cerberus rule beyond PLAIN_RULES."""
    if not isinstance(schema, dict):
        return path, _("this must be a block of 'field: rules' lines")
    for name, rules in schema.items():
        fault = _rules_fault(rules, path + (name,))
        if fault:
            return fault
    return None


def _rules_fault(rules, path: tuple) -> tuple[tuple, str] | None:
    if not isinstance(rules, dict):
        return path, _("the rules of '%(field)s' must be a block of 'rule: value' lines").format(field=path[-1])
    for rule, constraint in rules.items():
        if rule == audience.RULE and audience.rule_fault(constraint):
            return path + (rule,), audience.rule_fault(constraint)
        if rule in PLAN_RULES:
            continue
        where = path + (rule,)
        if rule not in PLAIN_RULES:
            if rule in cerberus.Validator.rules:
                raise NotPlain(rule)
            close = closest(str(rule), list(PLAIN_RULES) + list(PLAN_RULES))
            return where, (_("'%(rule)s' is not a rule: did you mean '%(hint)s'?").format(rule=rule, hint=close) if close
                           else _("'%(rule)s' is not a rule").format(rule=rule))
        kinds, words = PLAIN_RULES[rule]
        if constraint is None or not isinstance(constraint, kinds):
            return where, _("the value of '%(rule)s' must be %(words)s").format(rule=rule, words=words)
        if rule == "type":
            for type_name in [constraint] if isinstance(constraint, str) else constraint or [None]:
                if type_name not in cerberus.Validator.types_mapping:
                    close = closest(str(type_name), cerberus.Validator.types_mapping)
                    return where, (_("'%(type)s' is not a type: did you mean '%(hint)s'?").format(type=type_name, hint=close)
                                   if close else _("'%(type)s' is not a type").format(type=type_name))
        elif rule == "regex":
            try:
                re.compile(constraint)
            except re.error as exc:
                return where, _("the regular expression does not compile: %(error)s").format(error=exc)
        elif rule == "schema" and rules.get("type") == "dict":
            fault = schema_fault(constraint, where)
            if fault:
                return fault
        elif rule in ("schema", "valuesrules", "keysrules"):
            fault = _rules_fault(constraint, where)
            if fault:
                return fault
    return None


def _cerberus_fault(exc: Exception) -> tuple[tuple, str]:
    """Cerberus' complaint about a schema, as (path, words) of its deepest point."""
    if not isinstance(exc, cerberus.SchemaError) or not isinstance(exc.args[0], dict):
        return (), " ".join(str(exc).split()) or type(exc).__name__
    best: tuple[tuple, str] = ((), "")

    def walk(node, path):
        nonlocal best
        if isinstance(node, dict):
            for key, value in node.items():
                walk(value, path if str(key).startswith(("anyof definition", "oneof definition")) else path + (key,))
        elif isinstance(node, list):
            for item in node:
                walk(item, path)
        elif isinstance(node, str) and node != "no definitions validate" and len(path) >= len(best[0]):
            best = (path, node)

    walk(exc.args[0], ())
    path, words = best
    return path, f"{' → '.join(map(str, path))}: {words}" if path else words


def expand(schema: dict, common: dict) -> dict:
    """Replace rule-set names by the rules they stand for, throughout."""
    out = {}
    for name, rules in schema.items():
        if isinstance(rules, str):
            if rules not in common:
                close = closest(rules, common)
                raise SchemaFault((name,), _("'%(rules)s' is not a rule set in common.yaml: did you mean '%(hint)s'?").format(
                    rules=rules, hint=close) if close else _("'%(rules)s' is not a rule set in common.yaml").format(rules=rules))
            rules = common[rules]
        out[name] = _expand_rules(copy.deepcopy(rules), common)
    return out


def _expand_rules(rules: dict, common: dict) -> dict:
    if not isinstance(rules, dict):
        return rules  # reported by schema_fault
    if isinstance(rules.get("schema"), dict):
        inner = rules["schema"]
        rules["schema"] = expand(inner, common) if rules.get("type") == "dict" else _expand_rules(inner, common)
    if isinstance(rules.get("valuesrules"), dict):
        rules["valuesrules"] = _expand_rules(rules["valuesrules"], common)
    return rules


# Rules that mean nothing to Cerberus itself; left out of what it runs (it
# would still look up a handler for each, on every field, every time).
PLAN_RULES = ("meta", "ref", "defines", "phone", "email", "time_zone", "audience")


def _cerberus_rules(rules):
    if not isinstance(rules, dict):
        return rules
    out = {}
    for rule, value in rules.items():
        if rule in PLAN_RULES:
            continue
        if rule == "schema" and isinstance(value, dict):
            value = ({k: _cerberus_rules(v) for k, v in value.items()} if rules.get("type") == "dict"
                     else _cerberus_rules(value))
        elif rule in ("valuesrules", "keysrules"):
            value = _cerberus_rules(value)
        out[rule] = value
    return out


def compile_unit(schema: dict, checked: bool = False) -> Unit:
    """The units of `schema`; `checked` when it is known to be sound, so
    Cerberus need not check it again (it raises SchemaError otherwise)."""
    shallow = {}
    items = {}
    for name, rules in schema.items():
        inner = rules.get("schema")
        if rules.get("type") == "list" and isinstance(inner, dict) and inner.get("type") == "dict" \
                and isinstance(inner.get("schema"), dict):
            items[name] = compile_unit(inner["schema"], checked)
            rules = {**rules, "schema": {k: v for k, v in inner.items() if k != "schema"}}
        shallow[name] = rules
    rules = {k: _cerberus_rules(v) for k, v in shallow.items()}
    return Unit(cerberus.Validator(UnvalidatedSchema(rules) if checked else rules), shallow, items)
