"""A plan whose every free-text field carries markup and template syntax.

Free text is found from the schemas, not listed here: a string field with no
fixed values, pattern, reference or format rule. The plan stays valid, so the
whole handbook is built from it.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from crisisplan.schema import load_schemas

# What an attacker would write: markup closing <title>, an event handler, a
# script, and Jinja syntax. Each one sets window.__p if it ever runs.
PAYLOAD = "</title><img src=x onerror=window.__p=1><script>window.__p=2</script>{{ 7*7 }}"
NOT_FREE_TEXT = ("allowed", "regex", "ref", "defines", "phone", "email", "time_zone")


def is_free_text(rules) -> bool:
    return isinstance(rules, dict) and rules.get("type") == "string" \
        and not any(rule in rules for rule in NOT_FREE_TEXT)


def poison(value, rules):
    """`value` with PAYLOAD added to every free-text string, following its `rules`."""
    if not isinstance(rules, dict):
        return value
    if isinstance(value, str) and is_free_text(rules):
        return f"{value} {PAYLOAD}"
    inner = rules.get("schema")
    if isinstance(value, list) and isinstance(inner, dict):
        return [poison(item, inner) for item in value]
    if isinstance(value, dict) and isinstance(inner, dict):
        return poison_mapping(value, inner)
    if isinstance(value, dict) and isinstance(rules.get("valuesrules"), dict):
        return {key: poison(item, rules["valuesrules"]) for key, item in value.items()}
    return value


def poison_mapping(data: dict, schema: dict) -> dict:
    return {key: poison(value, schema.get(key)) for key, value in data.items()}


def hostile_plan(source: Path, dest: Path) -> Path:
    """A copy of the plan at `source` in `dest`, every free-text field poisoned."""
    shutil.copytree(source, dest)
    schemas = load_schemas().by_name
    for path in sorted(dest.rglob("*.yaml")):
        name = path.parent.name if path.parent != dest else path.stem
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if name in schemas and isinstance(data, dict):
            path.write_text(yaml.safe_dump(poison_mapping(data, schemas[name]), allow_unicode=True,
                                           sort_keys=False, width=1000), encoding="utf-8")
    return dest
