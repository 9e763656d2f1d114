"""The plan's Cerberus schemas as JSON Schema, for completion and hover help in editors.

    write_json_schemas(Path("schema/json"))      # one <name>.schema.json per plan file or folder
    vscode_settings("schema/json", "plan")       # {"yaml.schemas": {...}} for Red Hat's YAML extension

The schemas are read with `load_schemas`, so rule sets from common.yaml and
their `meta` are resolved exactly as validation sees them.  Each field's
`meta` becomes its `description`; `markdownDescription` adds what the
reference page says about it (required, choices, limits, what an id refers to).

The result is JSON Schema draft-07, which the YAML language server behind
VS Code's YAML extension supports fully.  It can only judge what Cerberus
judges field by field: whether an id exists, is unique, or a phone number,
email address or time zone is real is left to `crisisplan validate`, and
is said in the field's help instead.  Editors read YAML 1.2, so a date is
text there (`format: date`), and `yes`/`no` are text where crisisplan reads
true/false; `crisisplan validate` remains the judge of a plan.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

from .crosscheck import kind_noun
from .messages import Phrase, _, ngettext, say
from .plan import DOMAIN_FILES, DOMAIN_FOLDERS
from .problems import Problem
from .schema import load_schemas, schema_dir as default_schema_dir
from .validate import PATTERN_WORDS

DRAFT = "http://json-schema.org/draft-07/schema#"
SUFFIX = ".schema.json"

_TYPES = {"string": "string", "integer": "integer", "number": "number", "float": "number",
          "boolean": "boolean", "list": "array", "set": "array", "dict": "object",
          "date": "string", "datetime": "string"}
# The words of a field's help (hover text), said in the plan's language.
_WORDS = {"string": _("Text."), "integer": _("A whole number."), "number": _("A number."), "float": _("A number."),
          "boolean": _("true or false."), "list": _("A list."), "dict": _("A block of keys."),
          "date": _("A date written YYYY-MM-DD, without quotes."), "datetime": _("A date and time.")}
_LIST_OF = {"string": _("A list of texts."), "integer": _("A list of whole numbers."),
            "number": _("A list of numbers."), "float": _("A list of numbers."),
            "boolean": _("A list of true or false values."), "date": _("A list of dates written YYYY-MM-DD."),
            "list": _("A list of lists."), "dict": _("A list of blocks.")}
# What crisisplan checks itself, beyond the shape, said in a field's help.
_PLAN_CHECKS = {
    "phone": _("crisisplan validate checks that the number can be dialled from abroad (written with its country "
               "code, or as dialled in the plan's country), with any extension."),
    "email": _("crisisplan validate checks that it is an email address."),
    "time_zone": _("An IANA time zone such as Europe/London; crisisplan validate checks that it exists."),
}
# Python regular expression syntax that JavaScript (the editor) reads differently, or not at all.
_NOT_JAVASCRIPT = re.compile(r"\(\?P|\(\?[aiLmsux-]+[:)]|\(\?#|\(\?>|\\[AZz]|[*+?}]\+")


class EditorSchemaError(Exception):
    """The Cerberus schemas have problems, so no JSON Schema is written from them."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"the schemas have {len(problems)} problem(s)")
        self.problems = problems


def schema_names(schema_dir: Path | None = None) -> list[str]:
    """The names of the plan's schemas, in plan order: files first, then folders."""
    by_name = load_schemas(Path(schema_dir or default_schema_dir())).by_name
    known = [n for n in DOMAIN_FILES + DOMAIN_FOLDERS if n in by_name]
    return known + sorted(set(by_name) - set(known))


def json_schemas(schema_dir: Path | None = None, language=None) -> dict[str, dict]:
    """Every plan schema as a JSON Schema document, by name, in plan order; the
    help in `language` (an i18n.Language; None: English)."""
    directory = Path(schema_dir or default_schema_dir())
    schemas = load_schemas(directory)
    if schemas.problems:
        raise EditorSchemaError(schemas.problems)
    return {name: document_schema(name, schemas.by_name[name], _summary(directory / f"{name}.yaml"), language)
            for name in schema_names(directory)}


def document_schema(name: str, schema: dict, summary: str = "", language=None) -> dict:
    """The JSON Schema of one plan file, from its expanded Cerberus schema."""
    out = {
        "$schema": DRAFT,
        "$comment": f"Generated from schema/{name}.yaml by `crisisplan schema --json`: edit that file, not this one.",
        "title": f"plan/{plan_glob(name)}",
    }
    if summary:
        out["description"] = summary
    out.update(_mapping(schema, language, allow_unknown=False))
    return out


def plan_glob(name: str) -> str:
    """Which plan files a schema governs, relative to the plan folder."""
    return f"{name}/*.yaml" if name in DOMAIN_FOLDERS else f"{name}.yaml"


def schema_text(schema: dict) -> str:
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def write_json_schemas(dest: Path, schema_dir: Path | None = None, language=None) -> list[Path]:
    """Write `<name>.schema.json` for every plan schema into `dest`, its help in
    `language`; the paths written.

    A file whose content is already right is left alone (and still listed)."""
    dest = Path(dest)
    documents = json_schemas(schema_dir, language)
    dest.mkdir(parents=True, exist_ok=True)
    written = []
    for name, document in documents.items():
        path = dest / f"{name}{SUFFIX}"
        text = schema_text(document)
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def vscode_settings(schema_dir_rel: str, plan_dir_rel: str = "plan",
                    names: list[str] | None = None) -> dict:
    """The VS Code settings that give plan files their JSON Schemas (Red Hat's YAML extension).

    Both folders are relative to the workspace root, e.g. "schema/json" and "plan"."""
    schema_dir_rel = _posix(schema_dir_rel)
    plan_dir_rel = _posix(plan_dir_rel)
    return {"yaml.schemas": {
        f"{schema_dir_rel}/{name}{SUFFIX}": f"{plan_dir_rel}/{plan_glob(name)}"
        for name in (names if names is not None else schema_names())
    }}


def _posix(folder: str) -> str:
    text = str(folder).replace("\\", "/").rstrip("/")
    return text or "."


def _summary(path: Path) -> str:
    """The schema file's opening comment without its file name, as a sentence."""
    try:
        first = path.read_text(encoding="utf-8").split("\n", 1)[0]
    except OSError:
        return ""
    match = re.match(r"#\s*(?:plan/\S+:\s*)?(.+)", first)
    if not match:
        return ""
    text = match.group(1).strip()
    return text[:1].upper() + text[1:]


# --- rules to JSON Schema ----------------------------------------------------------------

def _mapping(fields: dict, language, allow_unknown=False, require_all: bool = False) -> dict:
    """An object whose keys are the fields of a Cerberus mapping."""
    out: dict = {"type": "object", "properties": {}}
    required = []
    for name, rules in fields.items():
        if not isinstance(rules, dict):
            continue
        out["properties"][str(name)] = field_schema(rules, language)
        if rules.get("required") or require_all:
            required.append(str(name))
    if required:
        out["required"] = required
    if isinstance(allow_unknown, dict):
        out["additionalProperties"] = field_schema(allow_unknown, language)
    elif not allow_unknown:
        out["additionalProperties"] = False
    return out


def field_schema(rules: dict, language=None) -> dict:
    """The JSON Schema of one field, from its Cerberus rules; its help in `language`."""
    out: dict = {}
    cerberus_types = rules.get("type")
    cerberus_types = [cerberus_types] if isinstance(cerberus_types, str) else list(cerberus_types or [])
    kinds = list(dict.fromkeys(_TYPES[t] for t in cerberus_types if t in _TYPES))
    description, details = _help(rules, cerberus_types, language)
    if description:
        out["description"] = description
    if details:
        out["markdownDescription"] = "\n\n".join(filter(None, [_markdown(description), details]))
    nullable = rules.get("nullable") is True
    if kinds:
        types = kinds + (["null"] if nullable and "null" not in kinds else [])
        out["type"] = types[0] if len(types) == 1 else types
    if "string" not in cerberus_types and "date" in cerberus_types:
        out["format"] = "date"

    listy = "array" in kinds
    if "allowed" in rules and isinstance(rules["allowed"], list):
        if listy and kinds == ["array"]:
            out.setdefault("items", {})["enum"] = list(rules["allowed"])
        else:
            out["enum"] = list(rules["allowed"]) + ([None] if nullable else [])
    if "forbidden" in rules and isinstance(rules["forbidden"], list):
        target = out.setdefault("items", {}) if listy and kinds == ["array"] else out
        target["not"] = {"enum": list(rules["forbidden"])}
    numeric = {"integer", "number"} & set(kinds)
    for rule, keyword in (("min", "minimum"), ("max", "maximum")):
        if rule in rules and numeric and isinstance(rules[rule], (int, float)) and not isinstance(rules[rule], bool):
            out[keyword] = rules[rule]
    _lengths(out, rules, kinds)
    pattern = rules.get("regex")
    if isinstance(pattern, str) and javascript_pattern(pattern) and "string" in kinds:
        out["pattern"] = javascript_pattern(pattern)
        if pattern in PATTERN_WORDS:
            out["patternErrorMessage"] = say(_("Must be %(words)s.", words=PATTERN_WORDS[pattern]), language)

    inner = rules.get("schema")
    if isinstance(inner, dict):
        if "object" in kinds and not listy:
            out.update({k: v for k, v in _mapping(inner, language, rules.get("allow_unknown", False),
                                                  rules.get("require_all") is True).items() if k != "type"})
        elif listy:
            out["items"] = {**field_schema(inner, language), **out.get("items", {})}
    elif "object" in kinds:
        if isinstance(rules.get("keysrules"), dict):
            out["propertyNames"] = field_schema(rules["keysrules"], language)
        if isinstance(rules.get("valuesrules"), dict):
            out["additionalProperties"] = field_schema(rules["valuesrules"], language)
    for rule, keyword in (("anyof", "anyOf"), ("oneof", "oneOf"), ("allof", "allOf")):
        if isinstance(rules.get(rule), list):
            out[keyword] = [field_schema(r, language) for r in rules[rule] if isinstance(r, dict)]
    return out


def _lengths(out: dict, rules: dict, kinds: list[str]) -> None:
    keywords = {"string": ("minLength", "maxLength"), "array": ("minItems", "maxItems"),
                "object": ("minProperties", "maxProperties")}
    for kind in kinds:
        if kind not in keywords:
            continue
        low, high = keywords[kind]
        least = rules.get("minlength") if isinstance(rules.get("minlength"), int) else None
        if rules.get("empty") is False:
            least = max(least or 0, 1)
        if least:
            out[low] = least
        if isinstance(rules.get("maxlength"), int):
            out[high] = rules["maxlength"]


def javascript_pattern(regex: str) -> str | None:
    """Cerberus' `regex` as a JSON Schema `pattern`, or None when JavaScript would read it differently.

    Cerberus matches from the start and adds a `$` when the pattern has none;
    a JSON Schema pattern matches anywhere, so it is anchored both ways."""
    if _NOT_JAVASCRIPT.search(regex):
        return None
    try:
        re.compile(regex)
    except re.error:
        return None
    body = regex if regex.endswith("$") else regex + "$"
    if body.startswith("^") and "|" not in body:
        return body
    return f"^(?:{body})"


def _help(rules: dict, cerberus_types: list[str], language=None) -> tuple[str, str]:
    """(description, markdown details) of a field, in `language`: its `meta`, and what the rules ask for."""
    meta = " ".join(str(rules.get("meta") or "").split())
    inner = rules.get("schema") if isinstance(rules.get("schema"), dict) else {}
    notes = []
    ref = rules.get("ref")
    if ref:
        notes.append(_("The id of %(noun)s.", noun=kind_noun(ref)))
    if rules.get("defines"):
        notes.append(_("No other %(kind)s may have the same id.", kind=str(rules["defines"]).replace("-", " ")))
    notes += [words for rule, words in _PLAN_CHECKS.items() if rules.get(rule)]
    # The catalogue knows the description as the schema writes it (see i18n.extract_schema_meta).
    description = say(Phrase(str(rules["meta"]), lambda text: " ".join(text.split())), language) if meta \
        else " ".join(say(note, language) for note in notes)
    if not description and cerberus_types == ["date"]:
        description = say(_WORDS["date"], language)
    if not meta and not (rules.get("allowed") or rules.get("required")):
        return description, ""

    facts = []
    if rules.get("required"):
        facts.append(_("**Required.**"))
    kind = cerberus_types[0] if len(cerberus_types) == 1 else None
    if kind == "list" and inner.get("type") in _LIST_OF:
        facts.append(_LIST_OF[inner["type"]])
    elif kind in _WORDS:
        facts.append(_WORDS[kind])
    allowed = rules.get("allowed") or inner.get("allowed")
    if isinstance(allowed, list):
        facts.append(_("One of %(choices)s.", choices=", ".join(f"`{a}`" for a in allowed)))
    low, high = rules.get("min"), rules.get("max")
    if low is not None and high is not None:
        facts.append(_("From %(low)s to %(high)s.", low=low, high=high))
    elif low is not None:
        facts.append(_("At least %(low)s.", low=low))
    elif high is not None:
        facts.append(_("At most %(high)s.", high=high))
    if isinstance(rules.get("minlength"), int) and rules["minlength"] > 0 and kind in ("list", "dict"):
        count = rules["minlength"]
        facts.append(ngettext("At least %(count)s entry.", "At least %(count)s entries.", count, count=count))
    inner_ref = inner.get("ref")
    if inner_ref and not ref:
        facts.append(_("Each is the id of %(noun)s.", noun=kind_noun(inner_ref)))
    if meta:
        facts += notes
    return description, " ".join(say(fact, language) for fact in facts)


def _markdown(text: str) -> str:
    """Plain text as markdown: characters markdown would act on are escaped."""
    return re.sub(r"([\\`*_\[\]<>#|])", r"\\\1", text)
