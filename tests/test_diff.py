"""`crisisplan diff`: golden change lists, matching of list entries, and the command line.

Each case in tests/cases/diff/ edits a copy of the full plan in tests/fixtures/
(`edits: {file: [{find, replace}, ...]}`; a file given as text is written
whole, one given as null is deleted) and holds the exact text and Markdown
the diff must print, in English and in Traditional Chinese (`*_zh_TW`).  `pytest --update-goldens` rewrites the expectations.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from crisisplan import check_plan, i18n
from crisisplan.cli import main
from crisisplan import platforms
from crisisplan.diff import (LABELS, NOUNS, PLATFORM_WORDS, _, diff_plans, format_markdown, format_text, say,
                             word_diff)
from crisisplan.schema import load_schemas

from gitrepo import commit, git, init_repo
from conftest import CASES, FULL_PLAN, ROOT

ZH_PLAN = ROOT / "examples" / "zh-TW" / "plan"

CASE_FILES = sorted((CASES / "diff").glob("*.yaml"))
ZH = i18n.language("zh-TW")


def edited_plan(target: Path, edits: dict, case_name: str) -> Path:
    shutil.copytree(FULL_PLAN, target)
    for name, change in (edits or {}).items():
        path = target / name
        if change is None:
            path.unlink()
        elif isinstance(change, str):
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(change, encoding="utf-8")
        else:
            text = path.read_text(encoding="utf-8")
            for edit in change:
                assert edit["find"] in text, \
                    f"{case_name}: {name} no longer contains {edit['find']!r}: update the case to tests/fixtures/full-plan"
                text = text.replace(edit["find"], edit["replace"], 1)
            path.write_text(text, encoding="utf-8")
    return target


@pytest.fixture(scope="module")
def full():
    return check_plan(FULL_PLAN).plan


def test_there_are_enough_golden_cases():
    assert len(CASE_FILES) >= 8


@pytest.mark.parametrize("case_file", CASE_FILES, ids=[p.stem for p in CASE_FILES])
def test_golden_case(case_file, tmp_path, full, update_goldens):
    """Each case in English and in Traditional Chinese: the change list's own
    words follow the language, the plan's text (English here) stays as written."""
    case = yaml.safe_load(case_file.read_text(encoding="utf-8"))
    old = full
    if case.get("old_edits"):
        old = check_plan(edited_plan(tmp_path / "old", case["old_edits"], case_file.stem)).plan
    new = check_plan(edited_plan(tmp_path / "new", case.get("edits"), case_file.stem)).plan
    result = diff_plans(old, new)
    text, markdown = format_text(result), format_markdown(result)
    text_zh, markdown_zh = format_text(result, ZH), format_markdown(result, ZH)
    if update_goldens:
        source = case_file.read_text(encoding="utf-8")
        head = source[: source.index("\nexpected_text:")] if "\nexpected_text:" in source else source.rstrip("\n")
        case_file.write_text(head + "\nexpected_text: |\n" + _indent(text)
                             + "expected_markdown: |\n" + _indent(markdown)
                             + "expected_text_zh_TW: |\n" + _indent(text_zh)
                             + "expected_markdown_zh_TW: |\n" + _indent(markdown_zh), encoding="utf-8")
        return
    assert text == case["expected_text"]
    assert markdown == case["expected_markdown"]
    assert text_zh == case["expected_text_zh_TW"]
    assert markdown_zh == case["expected_markdown_zh_TW"]


def _indent(text: str) -> str:
    return "".join(("  " + line if line else "") + "\n" for line in text.splitlines())


def test_same_plan_has_no_changes(full):
    result = diff_plans(full, full)
    assert result.changes == []
    assert format_text(result) == "No changes from plan version 2026.2 (the version is unchanged).\n"


def test_the_change_list_speaks_the_new_plans_language(tmp_path):
    """A Chinese plan's changes in Chinese by default, its own text as written,
    with Chinese punctuation and no spaces between Chinese words."""
    old = check_plan(ZH_PLAN).plan
    new_dir = shutil.copytree(ZH_PLAN, tmp_path / "new")
    for name, find, replace in (("about.yaml", 'version: "2026.3"', 'version: "2026.4"'),
                                ("roles.yaml", "    backup: wang-zhiming", "    backup: li-peishan"),
                                ("playbooks/employee-misconduct.yaml", "status: draft", "status: approved")):
        path = new_dir / name
        path.write_text(path.read_text(encoding="utf-8").replace(find, replace, 1), encoding="utf-8")
    result = diff_plans(old, check_plan(new_dir).plan)
    assert result.language == "zh-TW"
    assert format_text(result) == (
        "計畫版本 2026.3 到 2026.4：3 個章節共有 3 項變更。\n\n"
        "角色\n  ~ 角色「危機總指揮」：代理人由王志明改為李佩珊\n\n"
        "應變手冊：員工的不當言行引發眾怒\n  ~ 「facebook-page」的初步聲明「處理結果」：狀態由草稿改為已核准\n\n"
        "關於本計畫\n  ~ 計畫版本：由 2026.3 改為 2026.4\n")
    assert format_text(result, i18n.language("en")).startswith("From plan version 2026.3 to 2026.4: 3 changes")


def test_a_reworded_chinese_step_is_shown_as_reworded_character_by_character(tmp_path):
    """Chinese has no spaces between words: a rewording is found and shown by
    characters, not as one step removed and another added."""
    old = check_plan(ZH_PLAN).plan
    new_dir = shutil.copytree(ZH_PLAN, tmp_path / "new")
    path = new_dir / "playbooks" / "hijacked-account.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    step = data["checklist"][0]["step"]
    text = path.read_text(encoding="utf-8")
    assert text.count(step) == 1
    path.write_text(text.replace(step, "立刻" + step[:-3] + "，再" + step[-3:]), encoding="utf-8")
    result = diff_plans(old, check_plan(new_dir).plan)
    change, = [c for changes in result.sections().values() for c in changes]
    assert change.kind == "reworded"
    line = format_text(result).splitlines()[-1]
    assert "{+立刻+}" + step[:2] in line and "{+，再+}" in line and " " not in line.split("已改寫：")[1].replace(" … ", "")
    assert "<ins>立刻</ins>" + step[:2] in format_markdown(result)


def test_a_phone_number_written_another_way_is_no_change(tmp_path):
    """Numbers are compared as they are dialled: "+886 912 345 101" and "0912-345-101"
    (as dialled in Taiwan, the plan's country) are the same; a changed digit is not."""
    old = check_plan(ZH_PLAN).plan
    new_dir = shutil.copytree(ZH_PLAN, tmp_path / "new")
    contacts = new_dir / "contacts.yaml"
    text = contacts.read_text(encoding="utf-8")
    assert '"+886 912 345 101"' in text and '"+886 4 2345 6101"' in text
    contacts.write_text(text.replace('"+886 912 345 101"', '"0912-345-101"')
                        .replace('"+886 4 2345 6101"', '"(04) 2345-6101 分機 12"'), encoding="utf-8")
    result = diff_plans(old, check_plan(new_dir).plan)
    details = [say(c.detail, None) for changes in result.sections().values() for c in changes]
    assert details == ["office phone changed from “+886 4 2345 6101” to “(04) 2345-6101 分機 12”"]


def test_words_meet_without_stray_spaces_in_chinese():
    zh = i18n.language("zh-TW")
    changed = _("changed from %(before)s to %(after)s", before="王志明", after="Claire Whitfield")
    assert say(changed, zh) == "由王志明改為 Claire Whitfield"
    assert say(changed, None) == "changed from 王志明 to Claire Whitfield"
    assert say(_("set to %(value)s", value=_("“%(text)s”", text="草稿")), zh) == "設為「草稿」"


def test_every_field_and_list_of_the_schemas_has_words():
    """A field added to a schema gets a label (and a list its noun) here, so the catalogues can translate it."""
    names, lists = set(), set()

    def walk(schema):
        for name, rules in schema.items():
            if not isinstance(rules, dict):
                continue
            names.add(name)
            if rules.get("type") == "list":
                lists.add(name)
            for inner in (rules.get("schema"), rules.get("valuesrules")):
                if isinstance(inner, dict) and isinstance(inner.get("schema"), dict):
                    walk(inner["schema"])
                elif isinstance(inner, dict) and rules.get("type") == "dict" and inner is rules.get("schema"):
                    walk(inner)

    for name, schema in load_schemas().by_name.items():
        if name != "common":
            walk(schema)
    assert sorted(n for n in names if n not in LABELS) == []
    assert sorted(n for n in lists if n not in NOUNS and not any(k.endswith(":" + n) for k in NOUNS)) == []
    assert {p.in_text for p in platforms.PLATFORMS.values() if p.in_text} <= set(PLATFORM_WORDS)


def test_word_diff_keeps_only_a_little_context():
    before = "one two three four five six seven eight nine ten eleven twelve"
    after = "one two three four five six SEVEN eight nine ten eleven twelve"
    assert word_diff(before, after) == [
        ("gap", "…"), ("same", "three four five six"), ("del", "seven"), ("ins", "SEVEN"),
        ("same", "eight nine ten eleven"), ("gap", "…")]


def test_markdown_escapes_plan_text(tmp_path, full):
    new_dir = edited_plan(tmp_path / "new", {"roles.yaml": [
        {"find": "      - Choose the playbook", "replace": "      - Use *all* <b>channels</b> [now]\n      - Choose the playbook"}]},
        "escape")
    markdown = format_markdown(diff_plans(full, check_plan(new_dir).plan))
    assert r"duty “Use \*all\* \<b\>channels\</b\> \[now\]” added" in markdown


# --- the command line ------------------------------------------------------------

def test_cli_diff_folders(tmp_path, capsys):
    new_dir = edited_plan(tmp_path / "new", {"about.yaml": [{"find": 'version: "2026.2"', "replace": 'version: "2026.3"'}]},
                          "cli")
    assert main(["diff", str(FULL_PLAN), str(new_dir)]) == 0
    assert capsys.readouterr().out == (
        "From plan version 2026.2 to 2026.3: 1 change in 1 section.\n\n"
        "About this plan\n  ~ Plan version: changed from 2026.2 to 2026.3\n")
    assert main(["diff", str(FULL_PLAN), str(new_dir), "--format", "markdown"]) == 0
    assert capsys.readouterr().out.startswith("From plan version 2026.2 to 2026.3: 1 change in 1 section.\n\n"
                                              "## About this plan\n\n- **Plan version**: changed from 2026.2 to 2026.3\n")


def test_cli_diff_invalid_plan_still_diffs_with_a_note(tmp_path, capsys):
    new_dir = edited_plan(tmp_path / "new", {"roles.yaml": [{"find": "primary: claire-whitfield",
                                                             "replace": "primary: nobody-here"}]}, "invalid")
    assert main(["diff", str(FULL_PLAN), str(new_dir)]) == 0
    out = capsys.readouterr().out
    assert "Note: the new plan has 1 error (see crisisplan validate); the changes below are what could be read." in out
    assert "Role Crisis lead: holder changed from Claire Whitfield to nobody-here" in out


def test_cli_diff_refuses_what_is_neither_folder_nor_revision(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["diff", "no-such-thing", str(FULL_PLAN)]) == 2
    assert "'no-such-thing' is neither a plan folder nor a git revision" in capsys.readouterr().err


def make_repo(path: Path) -> Path:
    init_repo(path)
    shutil.copytree(FULL_PLAN, path / "policies" / "plan")
    commit(path, "Plan 2026.2")
    return path


def test_cli_diff_git_revisions(tmp_path, capsys, monkeypatch):
    repo = make_repo(tmp_path / "repo")
    about = repo / "policies" / "plan" / "about.yaml"
    about.write_text(about.read_text().replace('version: "2026.2"', 'version: "2026.3"'))
    git(repo, "commit", "--quiet", "-am", "Plan 2026.3")
    monkeypatch.chdir(repo)
    assert main(["diff", "HEAD~1", "main", "--plan-path", "policies/plan"]) == 0
    assert "Plan version: changed from 2026.2 to 2026.3" in capsys.readouterr().out
    assert main(["diff", "HEAD~1", "main"]) == 2
    assert "the revision HEAD~1 has no folder plan/" in capsys.readouterr().err
