"""The Cerberus schemas in `schema/`: loading them and the rules they add.

A schema is plain Cerberus written as YAML.  Two things are added:

* a field's rules may be the name of a rule set in `schema/common.yaml`
  (`owner: contact_ref`); names are expanded when the schema is loaded;
* the rules `defines` (this field is the id of a KIND), `ref` (this field
  must be the id of a KIND), `phone`, `email` and `time_zone` are checked
  across the whole plan by `crosscheck.py`, and left out of what Cerberus
  runs (`PLAN_RULES`).  `meta` carries the field's meaning for the
  reference page and for messages.
"""
from __future__ import annotations

import copy
import hashlib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import cerberus

from . import cache
from .load import load_file
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
    fingerprint: bytes = b""  # changes when any schema file changes
    _units: dict[str, Unit] = field(default_factory=dict)

    def unit(self, name: str) -> Unit | None:
        """The Cerberus units of a schema, built on first use.

        Building them costs more than checking a small plan, and a plan whose
        files all come from the result cache needs none of them."""
        if name not in self._units and name in self.by_name:
            self._units[name] = compile_unit(self.by_name[name])
        return self._units.get(name)


@lru_cache(maxsize=4)
def load_schemas(directory: Path | None = None) -> Schemas:
    directory = Path(directory or schema_dir())
    problems: list[Problem] = []
    raw: dict[str, dict] = {}
    digest = hashlib.sha256()
    for path in sorted(directory.glob("*.yaml")):
        content = path.read_bytes()
        digest.update(path.name.encode() + b"\0" + content + b"\0")
        loaded = load_file(content, f"schema/{path.name}")
        problems += loaded.problems
        if isinstance(loaded.data, dict):
            raw[path.stem] = loaded.data
    common = raw.pop(COMMON, {})
    schemas = Schemas({}, problems, digest.digest())
    # Cerberus checks a schema when a validator is built from it; these exact
    # schema files were found sound before when the cache says so.
    known_sound = cache.get(cache.key(b"sound-schemas", schemas.fingerprint)) is True
    for name, schema in raw.items():
        try:
            schemas.by_name[name] = expand(schema, common)
            if not known_sound:
                schemas.unit(name)
        except (cerberus.SchemaError, KeyError, TypeError) as exc:
            schemas.by_name.pop(name, None)
            problems.append(Problem(f"schema/{name}.yaml", 1, 1, "error", "bad-schema",
                                    f"the schema cannot be used: {' '.join(str(exc).split())}"))
    if not problems and not known_sound:
        cache.put(cache.key(b"sound-schemas", schemas.fingerprint), True)
    return schemas


def expand(schema: dict, common: dict) -> dict:
    """Replace rule-set names by the rules they stand for, throughout."""
    out = {}
    for name, rules in schema.items():
        if isinstance(rules, str):
            if rules not in common:
                raise KeyError(f"field '{name}' uses the rule set '{rules}', which common.yaml does not define")
            rules = common[rules]
        out[name] = _expand_rules(copy.deepcopy(rules), common)
    return out


def _expand_rules(rules: dict, common: dict) -> dict:
    if isinstance(rules.get("schema"), dict):
        inner = rules["schema"]
        rules["schema"] = expand(inner, common) if rules.get("type") == "dict" else _expand_rules(inner, common)
    if isinstance(rules.get("valuesrules"), dict):
        rules["valuesrules"] = _expand_rules(rules["valuesrules"], common)
    return rules


# Rules that mean nothing to Cerberus itself; left out of what it runs (it
# would still look up a handler for each, on every field, every time).
PLAN_RULES = ("meta", "ref", "defines", "phone", "email", "time_zone")


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


def compile_unit(schema: dict) -> Unit:
    shallow = {}
    items = {}
    for name, rules in schema.items():
        inner = rules.get("schema")
        if rules.get("type") == "list" and isinstance(inner, dict) and inner.get("type") == "dict" \
                and isinstance(inner.get("schema"), dict):
            items[name] = compile_unit(inner["schema"])
            rules = {**rules, "schema": {k: v for k, v in inner.items() if k != "schema"}}
        shallow[name] = rules
    return Unit(cerberus.Validator({k: _cerberus_rules(v) for k, v in shallow.items()}), shallow, items)
