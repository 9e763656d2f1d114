"""The JSON Schemas editors use (crisisplan schema --json): they accept the test plans,
flag the usual mistakes where crisisplan does, carry every field's meaning, and the
copies committed in schema/json/ match the Cerberus schemas."""
from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import jsonschema
import pytest
import yaml

from crisisplan import check_plan
from crisisplan.cli import main
from crisisplan.editor_schema import (
    EditorSchemaError, javascript_pattern, json_schemas, plan_glob, schema_text, vscode_settings,
    write_json_schemas,
)
from crisisplan.load import load_file
from crisisplan.schema import load_schemas

from conftest import CASES, FULL_PLAN, ROOT, TODAY

SCHEMA_DIR = ROOT / "schema"
COMMITTED = SCHEMA_DIR / "json"
PLANS = [FULL_PLAN, CASES / "render" / "small-plan", CASES / "validate" / "base-plan"]
BASE_PLAN = CASES / "validate" / "base-plan"
REGENERATE = ".venv/bin/crisisplan schema --json schema/json --vscode-settings .vscode/settings.json"


@pytest.fixture(scope="module")
def schemas() -> dict[str, dict]:
    return json_schemas(SCHEMA_DIR)


def as_editor_sees_it(value):
    """Plan data as an editor reading YAML 1.2 has it: dates are text."""
    if isinstance(value, dict):
        return {str(k): as_editor_sees_it(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_editor_sees_it(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def editor_errors(schema: dict, data) -> list[jsonschema.ValidationError]:
    validator = jsonschema.Draft7Validator(schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)
    return sorted(validator.iter_errors(as_editor_sees_it(data)), key=lambda e: list(e.absolute_path))


def plan_data(path: Path):
    loaded = load_file(path.read_bytes(), path.name)
    assert loaded.problems == []
    return loaded.data


def test_one_valid_draft_07_schema_per_plan_file_and_folder(schemas):
    assert list(schemas) == ["escalation", "contacts", "roles", "channels", "community-guidelines", "employee-policy",
                             "monitoring", "metrics", "post-crisis-review", "drills", "about", "playbooks", "trees"]
    for name, schema in schemas.items():
        assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
        jsonschema.Draft7Validator.check_schema(schema)
        assert schema["additionalProperties"] is False, name
    assert plan_glob("contacts") == "contacts.yaml" and plan_glob("playbooks") == "playbooks/*.yaml"


@pytest.mark.parametrize("plan", PLANS, ids=[p.name for p in PLANS])
def test_the_test_plans_have_no_errors_in_the_editor(plan, schemas):
    checked = 0
    for name, schema in schemas.items():
        files = sorted(plan.glob(plan_glob(name)))
        assert files, f"{plan.name} has no {plan_glob(name)}"
        for path in files:
            errors = editor_errors(schema, plan_data(path))
            assert [f"{path.name}: {list(e.absolute_path)}: {e.message}" for e in errors] == []
            checked += 1
    assert checked >= 13


def _contacts(data):
    return data["people"][0]


# (file, change to the data, the JSON Schema keyword that flags it, crisisplan's code for it)
MISTAKES = {
    "unknown key": ("contacts.yaml", lambda d: _contacts(d).update(nmae="Ana"), "additionalProperties", "unknown-key"),
    "list where text belongs": ("contacts.yaml", lambda d: _contacts(d).update(title=["Head", "of comms"]),
                                "type", "wrong-type"),
    "value not in the allowed list": ("contacts.yaml", lambda d: _contacts(d).update(kind="freelance"),
                                      "enum", "not-allowed"),
    "required key missing": ("contacts.yaml", lambda d: _contacts(d).pop("email"), "required", "missing-key"),
    "id not in id form": ("contacts.yaml", lambda d: _contacts(d).update(id="Ana Lopez"), "pattern", "bad-format"),
    "empty text": ("contacts.yaml", lambda d: _contacts(d).update(name=""), "minLength", "empty-value"),
    "empty list": ("contacts.yaml", lambda d: d.update(spokespeople=[]), "minItems", "too-few"),
    "number too small": ("escalation.yaml", lambda d: d["levels"][0].update(rank=0), "minimum", "too-small"),
    "text where a number belongs": ("escalation.yaml", lambda d: d["levels"][0].update(rank="first"),
                                    "type", "wrong-type"),
    "not a date": ("about.yaml", lambda d: d["plan"].update(effective="next Monday"), "format", "wrong-type"),
    "unknown key in a tree step": ("trees/may-we-remove.yaml",
                                   lambda d: next(iter(d["nodes"].values())).update(anwsers=[]),
                                   "additionalProperties", "unknown-key"),
    "step id not in id form": ("trees/may-we-remove.yaml", lambda d: d["nodes"].update({"Step Two": {"outcome": "x"}}),
                               "pattern", "bad-format"),
}


@pytest.mark.parametrize("mistake", MISTAKES)
def test_a_typical_mistake_is_flagged_in_the_editor_as_crisisplan_flags_it(mistake, schemas, tmp_path, monkeypatch):
    file, change, keyword, code = MISTAKES[mistake]
    name = file.split("/")[0].removesuffix(".yaml")
    data = plan_data(BASE_PLAN / file)
    change(data)

    errors = editor_errors(schemas[name], data)
    assert [e.validator for e in errors] == [keyword], [e.message for e in errors]

    plan = tmp_path / "plan"
    shutil.copytree(BASE_PLAN, plan)
    (plan / file).write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    codes = {p.code for p in check_plan("plan", today=TODAY).problems if p.file == f"plan/{file}"}
    assert code in codes


def test_editor_messages_say_what_is_wrong(schemas):
    data = plan_data(BASE_PLAN / "contacts.yaml")
    _contacts(data).update(kind="freelance", id="Ana Lopez")
    messages = {e.validator: e.message for e in editor_errors(schemas["contacts"], data)}
    assert messages["enum"] == "'freelance' is not one of ['internal', 'external']"
    person = schemas["contacts"]["properties"]["people"]["items"]["properties"]
    assert person["id"]["patternErrorMessage"] == (
        "Must be an id of lower-case letters, digits and hyphens, e.g. 'maya-chen'.")


def _walk(rules: dict, node: dict, path: str):
    """(path, Cerberus rules, JSON Schema) of every field, nested ones too."""
    yield path, rules, node
    inner = rules.get("schema")
    if isinstance(inner, dict) and rules.get("type") == "dict":
        for key, sub in inner.items():
            yield from _walk(sub, node["properties"][key], f"{path}.{key}")
    elif isinstance(inner, dict) and rules.get("type") == "list":
        yield from _walk(inner, node["items"], f"{path}[]")
    if isinstance(rules.get("valuesrules"), dict):
        yield from _walk(rules["valuesrules"], node["additionalProperties"], f"{path}.<key>")


def test_every_field_meaning_is_its_description(schemas):
    expanded = load_schemas(SCHEMA_DIR).by_name
    described = 0
    for name, fields in expanded.items():
        for key, rules in fields.items():
            for path, field_rules, node in _walk(rules, schemas[name]["properties"][key], f"{name}:{key}"):
                if field_rules.get("meta"):
                    assert node["description"] == " ".join(str(field_rules["meta"]).split()), path
                    assert node["markdownDescription"].startswith(node["description"].split(".")[0][:20]), path
                    described += 1
    assert described > 150


def test_hover_help_says_what_the_reference_page_says(schemas):
    person = schemas["contacts"]["properties"]["people"]["items"]["properties"]
    assert person["kind"]["markdownDescription"] == (
        "Internal staff or an external contact.\n\n**Required.** Text. One of `internal`, `external`.")
    assert "The id of a person in contacts.yaml." in person["backup"]["markdownDescription"]
    assert "can be dialled from abroad" in (
        person["phones"]["items"]["properties"]["number"]["markdownDescription"])
    assert schemas["about"]["properties"]["plan"]["properties"]["effective"]["format"] == "date"
    admins = schemas["channels"]["properties"]["channels"]["items"]["properties"]["admins"]
    assert admins["items"]["description"] == "The id of a person in contacts.yaml."
    assert schemas["contacts"]["description"] == "Everyone the plan names, inside and outside the organisation."


def test_cerberus_patterns_become_anchored_javascript_patterns():
    assert javascript_pattern(r"^[a-z0-9][a-z0-9-]*$") == r"^[a-z0-9][a-z0-9-]*$"
    assert javascript_pattern(r"[a-z]+") == r"^(?:[a-z]+$)"  # Cerberus matches from the start and adds the $
    assert javascript_pattern(r"^a|b$") == r"^(?:^a|b$)"
    assert javascript_pattern(r"(?P<year>\d{4})") is None
    assert javascript_pattern(r"(?i)^abc$") is None
    assert javascript_pattern(r"\Aabc\Z") is None


def test_the_committed_json_schemas_match_the_cerberus_schemas(schemas):
    committed = {p.name: p.read_text(encoding="utf-8") for p in COMMITTED.glob("*.schema.json")}
    expected = {f"{name}.schema.json": schema_text(schema) for name, schema in schemas.items()}
    assert sorted(committed) == sorted(expected), f"schema/json/ is out of date: run {REGENERATE}"
    stale = [name for name in expected if committed[name] != expected[name]]
    assert stale == [], f"schema/json/ is out of date: run {REGENERATE}"


def test_the_repository_maps_plan_files_to_the_committed_schemas():
    settings = json.loads((ROOT / ".vscode" / "settings.json").read_text(encoding="utf-8"))
    assert settings["yaml.schemas"] == vscode_settings("schema/json", "plan")["yaml.schemas"]
    for schema_path, glob in settings["yaml.schemas"].items():
        assert (ROOT / schema_path).is_file()
        assert list(ROOT.glob(glob)), glob


def test_write_json_schemas_writes_one_file_each_and_leaves_right_ones_alone(tmp_path, schemas):
    written = write_json_schemas(tmp_path / "out", SCHEMA_DIR)
    assert [p.name for p in written] == [f"{name}.schema.json" for name in schemas]
    first = written[0].stat().st_mtime_ns
    assert write_json_schemas(tmp_path / "out", SCHEMA_DIR) == written
    assert written[0].stat().st_mtime_ns == first
    assert json.loads(written[1].read_text(encoding="utf-8")) == schemas["contacts"]


def test_broken_cerberus_schemas_give_no_json_schemas(tmp_path):
    broken = tmp_path / "schema"
    shutil.copytree(SCHEMA_DIR, broken, ignore=shutil.ignore_patterns("json"))
    (broken / "metrics.yaml").write_text("name: {tpye: string}\n", encoding="utf-8")
    with pytest.raises(EditorSchemaError) as caught:
        write_json_schemas(tmp_path / "out", broken)
    assert [p.code for p in caught.value.problems] == ["bad-schema"]
    assert not (tmp_path / "out").exists()


def test_cli_writes_the_schemas_and_prints_the_vscode_settings(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["schema", "--json", "editor/schemas"]) == 0
    out, err = capsys.readouterr()
    files = sorted(p.name for p in (tmp_path / "editor" / "schemas").iterdir())
    assert len(files) == 13 and "playbooks.schema.json" in files
    assert "wrote editor/schemas/contacts.schema.json" in err
    settings = json.loads(out)
    assert settings["yaml.schemas"]["editor/schemas/contacts.schema.json"] == "plan/contacts.yaml"
    assert settings["yaml.schemas"]["editor/schemas/playbooks.schema.json"] == "plan/playbooks/*.yaml"


def test_cli_adds_the_mapping_to_vscode_settings_and_keeps_the_rest(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    settings_file = tmp_path / ".vscode" / "settings.json"
    settings_file.parent.mkdir()
    settings_file.write_text('{"editor.tabSize": 2, "yaml.schemas": {"other.json": "x.yaml"}}', encoding="utf-8")
    assert main(["schema", "--json", "schema/json", "--plan-dir", "my-plan",
                 "--vscode-settings", str(settings_file)]) == 0
    settings = json.loads(settings_file.read_text(encoding="utf-8"))
    assert settings["editor.tabSize"] == 2
    assert settings["yaml.schemas"]["other.json"] == "x.yaml"
    assert settings["yaml.schemas"]["schema/json/trees.schema.json"] == "my-plan/trees/*.yaml"
    assert "Mapped 13 plan files" in capsys.readouterr().out

    settings_file.write_text('{\n  // a comment\n}\n', encoding="utf-8")
    assert main(["schema", "--json", "schema/json", "--vscode-settings", str(settings_file)]) == 1
    assert "add this to it by hand" in capsys.readouterr().err
    assert settings_file.read_text(encoding="utf-8") == '{\n  // a comment\n}\n'


def test_the_editors_help_speaks_the_plans_language(tmp_path, monkeypatch, capsys):
    """A Chinese plan's policy owners read the hover help in Chinese: the field's
    description and what the rules ask for (the keys and values stay the format's)."""
    plan = tmp_path / "plan"
    shutil.copytree(FULL_PLAN, plan)
    about = plan / "about.yaml"
    about.write_text(about.read_text(encoding="utf-8").replace("language: en", "language: zh-TW"), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["schema", "--json", "schema/json"]) == 0
    capsys.readouterr()
    contacts = json.loads((tmp_path / "schema" / "json" / "contacts.schema.json").read_text(encoding="utf-8"))
    email = contacts["properties"]["people"]["items"]["properties"]["email"]
    assert email["description"] == "電子郵件地址。"
    assert email["markdownDescription"] == ("電子郵件地址。\n\n**必填。** 文字。 "
                                            "crisisplan validate 會檢查這是不是電子郵件地址。")
    kind = contacts["properties"]["people"]["items"]["properties"]["kind"]
    assert kind["markdownDescription"].endswith("可用的值：`internal`, `external`。") and kind["enum"] == ["internal", "external"]
    assert main(["schema", "--json", "english", "--lang", "en"]) == 0
    english = json.loads((tmp_path / "english" / "contacts.schema.json").read_text(encoding="utf-8"))
    assert english["properties"]["people"]["items"]["properties"]["email"]["description"] == "Email address."
