"""The schemas in schema/: they load, Cerberus accepts them, and a broken one is reported."""
from __future__ import annotations

import shutil

import cerberus
import pytest

from crisisplan import check_plan, i18n
from crisisplan.problems import format_problems
from crisisplan.schema import compile_unit, load_schemas, plain_schema

from conftest import FULL_PLAN, ROOT, TODAY

SCHEMA_DIR = ROOT / "schema"


def test_every_schema_loads():
    schemas = load_schemas(SCHEMA_DIR)
    assert schemas.problems == []
    governed = {p.stem for p in SCHEMA_DIR.glob("*.yaml")} - {"common", "sections"}  # rule sets, the registry
    assert set(schemas.by_name) == governed
    for name in schemas.by_name:
        assert schemas.unit(name).validator.schema, name


@pytest.mark.parametrize("name", sorted(p.stem for p in SCHEMA_DIR.glob("*.yaml") if p.stem not in ("common", "sections")))
def test_bundled_schemas_need_no_cerberus_check_and_pass_it(name):
    """The fast path (no Cerberus schema check) is taken for every bundled schema,
    and Cerberus' own check agrees that it is sound."""
    schema = load_schemas(SCHEMA_DIR).by_name[name]
    assert plain_schema(schema)
    compile_unit(schema, checked=False)  # raises SchemaError if Cerberus disagrees


# A broken schema file (metrics.yaml), and the exact problem it gives.
BROKEN = {
    "unknown rule": (
        "name:\n  type: string\n  requird: true\n",
        "schema/metrics.yaml:3:3: [error] the schema cannot be used: 'requird' is not a rule: "
        "did you mean 'required'? (bad-schema)"),
    "unknown type": (
        "name: {type: strnig}\n",
        "schema/metrics.yaml:1:8: [error] the schema cannot be used: 'strnig' is not a type: "
        "did you mean 'string'? (bad-schema)"),
    "flag not a boolean": (
        "name: {type: string, required: 'yes'}\n",
        "schema/metrics.yaml:1:22: [error] the schema cannot be used: the value of 'required' must be "
        "true or false (bad-schema)"),
    "length not a number": (
        "name: {type: string, minlength: two}\n",
        "schema/metrics.yaml:1:22: [error] the schema cannot be used: the value of 'minlength' must be "
        "a whole number (bad-schema)"),
    "rules not a mapping": (
        "name: [type, string]\n",
        "schema/metrics.yaml:1:1: [error] the schema cannot be used: the rules of 'name' must be a block of "
        "'rule: value' lines (bad-schema)"),
    "nested unknown rule": (
        "items:\n  type: list\n  schema:\n    type: dict\n    schema:\n      x: {tpye: string}\n",
        "schema/metrics.yaml:6:11: [error] the schema cannot be used: 'tpye' is not a rule: "
        "did you mean 'type'? (bad-schema)"),
    "regex that does not compile": (
        "name: {type: string, regex: '[a-'}\n",
        "schema/metrics.yaml:1:22: [error] the schema cannot be used: the regular expression does not "
        "compile: unterminated character set at position 0 (bad-schema)"),
    "unknown rule set": (
        "name: contact_rfe\n",
        "schema/metrics.yaml:1:1: [error] the schema cannot be used: 'contact_rfe' is not a rule set in "
        "common.yaml: did you mean 'contact_ref'? (bad-schema)"),
    "other Cerberus rule, judged by Cerberus": (
        "name: {type: string, oneof: 5}\n",
        "schema/metrics.yaml:1:22: [error] the schema cannot be used: name → oneof: must be of list type "
        "(bad-schema)"),
}


@pytest.mark.parametrize("case", BROKEN, ids=list(BROKEN))
def test_a_broken_schema_is_reported_not_raised(case, tmp_path):
    text, expected = BROKEN[case]
    folder = tmp_path / "schema"
    shutil.copytree(SCHEMA_DIR, folder)
    (folder / "metrics.yaml").write_text(text, encoding="utf-8")
    schemas = load_schemas(folder)
    assert format_problems(schemas.problems) == expected + "\n"
    # The plan is still checked against every other schema, and the problem is shown.
    report = check_plan(FULL_PLAN, today=TODAY, schemas=schemas)
    assert not report.ok
    assert expected in format_problems(report.problems)


# The same problems for a schema author who reads Traditional Chinese.
BROKEN_ZH_TW = {
    "unknown rule": "schema/metrics.yaml:3:3: [error] 這份綱要（schema）無法使用：「requird」不是規則：您是指「required」嗎？ "
                    "(bad-schema)",
    "flag not a boolean": "schema/metrics.yaml:1:22: [error] 這份綱要（schema）無法使用：「required」的值必須是 "
                          "true 或 false (bad-schema)",
    "rules not a mapping": "schema/metrics.yaml:1:1: [error] 這份綱要（schema）無法使用：「name」的規則必須是由"
                           "「規則: 值」各行組成的區塊 (bad-schema)",
}


@pytest.mark.parametrize("case", BROKEN_ZH_TW, ids=list(BROKEN_ZH_TW))
def test_a_broken_schema_is_reported_in_the_readers_language(case, tmp_path):
    folder = tmp_path / "schema"
    shutil.copytree(SCHEMA_DIR, folder)
    (folder / "metrics.yaml").write_text(BROKEN[case][0], encoding="utf-8")
    schemas = load_schemas(folder)
    assert format_problems(schemas.problems, "text", i18n.language("zh-TW")) == BROKEN_ZH_TW[case] + "\n"


def test_plain_schema_leaves_other_rules_to_cerberus():
    assert not plain_schema({"a": {"type": "string", "oneof": [{"minlength": 1}]}})
    assert not plain_schema({"a": {"type": "string", "check_with": "x"}})
    assert plain_schema({"a": {"type": ["string", "integer"], "nullable": True, "meta": {"x": 1}}})
    with pytest.raises(cerberus.SchemaError):
        compile_unit({"a": {"type": "string", "oneof": 5}})
