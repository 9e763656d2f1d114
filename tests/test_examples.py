"""The example plans in examples/, and the platforms a Taiwanese or Hong Kong team runs."""
from __future__ import annotations

import copy
import shutil
from pathlib import Path

import pytest
import yaml

from crisisplan import check_plan
from crisisplan import diff, platforms
from crisisplan.problems import format_problems
from crisisplan.render import render_pages

from conftest import CASES, FULL_PLAN, ROOT, TODAY

ZH_TW_PLAN = ROOT / "examples" / "zh-TW" / "plan"
BASE_PLAN = CASES / "validate" / "base-plan"
TEMPLATES = ROOT / "theme" / "pages"


# --- the Chinese example plan ----------------------------------------------------------------

def test_the_chinese_example_plan_is_valid_with_no_problems():
    report = check_plan(ZH_TW_PLAN, today=TODAY)
    assert format_problems(report.problems) == ""
    plan = report.plan
    assert plan["about"]["plan"]["language"] == "zh-TW"
    assert {"is-this-a-crisis", "may-we-remove-this-comment", "pause-or-close-a-channel"} <= set(plan.trees)
    assert {"viral-customer-complaint", "employee-misconduct", "hijacked-account",
            "misunderstood-post"} <= set(plan.playbooks)
    used = {channel["platform"] for channel in plan["channels"]["channels"]}
    assert {"facebook", "instagram", "threads", "line", "google-maps-reviews"} <= used


def test_the_chinese_example_plan_has_the_same_files_as_the_english_one():
    def names(folder: Path) -> set[str]:  # the plan files, and the folders of playbooks and trees
        return {p.name for p in folder.glob("*.yaml")} | {p.parent.name for p in folder.glob("*/*.yaml")}

    assert names(ZH_TW_PLAN) == names(FULL_PLAN)  # the English example, as the tests hold it


# --- one platforms table -----------------------------------------------------------------------

def test_the_schema_offers_exactly_the_platforms_of_the_table():
    schema = yaml.safe_load((ROOT / "schema" / "channels.yaml").read_text(encoding="utf-8"))
    allowed = schema["channels"]["schema"]["schema"]["platform"]["allowed"]
    assert allowed == list(platforms.PLATFORMS)


def test_taiwan_and_hong_kong_platforms_are_there():
    assert {"line", "ptt", "dcard", "google-maps-reviews", "lihkg", "threads"} <= set(platforms.PLATFORMS)
    assert platforms.LIMITS["line"] == 5000
    assert platforms.LIMITS["google-maps-reviews"] == 4096
    assert platforms.name("google-maps-reviews") == "Google Maps reviews"
    assert platforms.unit("google-maps-reviews") == "bytes"
    assert diff.PLATFORMS["line"] == "LINE" and diff.say(diff.PLATFORMS["website"], None) == "the website"


def test_each_platform_counts_length_its_own_way():
    assert platforms.post_length("晨曦茶飲", "facebook") == 4
    assert platforms.post_length("晨曦茶飲", "x") == 8               # CJK counts twice on X
    assert platforms.post_length("晨曦茶飲", "google-maps-reviews") == 12  # UTF-8 bytes
    assert platforms.post_length("茶🍵", "line") == 3                 # UTF-16: the emoji is 2
    assert platforms.post_length("茶🍵", "unknown-platform") == 2


def plan_with(tmp_path: Path, statements: list[dict]) -> Path:
    """The base plan with a LINE official account and a Google Maps listing, and these statements."""
    plan = tmp_path / "plan"
    shutil.copytree(BASE_PLAN, plan)
    channels = yaml.safe_load((plan / "channels.yaml").read_text(encoding="utf-8"))
    template = channels["channels"][0]
    channels["channels"] += [
        {**copy.deepcopy(template), "id": "line-oa", "platform": "line", "handle": "晨曦茶飲 LINE 官方帳號"},
        {**copy.deepcopy(template), "id": "maps", "platform": "google-maps-reviews",
         "handle": "晨曦茶飲 Google 商家檔案"},
    ]
    (plan / "channels.yaml").write_text(yaml.safe_dump(channels, allow_unicode=True, sort_keys=False),
                                        encoding="utf-8")
    playbook = yaml.safe_load((plan / "playbooks" / "complaint.yaml").read_text(encoding="utf-8"))
    playbook["statements"] += [{"status": "approved", "approved_by": "lead", **s} for s in statements]
    (plan / "playbooks" / "complaint.yaml").write_text(
        yaml.safe_dump(playbook, allow_unicode=True, sort_keys=False, width=100000), encoding="utf-8")
    return plan


def test_statements_too_long_for_line_or_a_review_reply_are_flagged(tmp_path):
    plan = plan_with(tmp_path, [
        {"channel": "line-oa", "text": "茶" * 4999 + "🍵"},   # 5,000 characters, 5,001 UTF-16 units
        {"channel": "maps", "text": "茶" * 1366},             # 1,366 characters, 4,098 bytes
    ])
    problems = check_plan(plan, today=TODAY).problems
    assert {p.code for p in problems} == {"statement-too-long"}
    assert [p.message for p in problems] == [
        "the statement is 5001 characters; 晨曦茶飲 LINE 官方帳號 on LINE allows 5000: shorten it by 1",
        "the statement is 4098 bytes; 晨曦茶飲 Google 商家檔案 on Google Maps reviews allows 4096: shorten it by 2",
    ]


def test_statements_that_fit_show_their_platform_and_unit_in_the_handbook(tmp_path):
    plan = plan_with(tmp_path, [
        {"channel": "line-oa", "text": "茶" * 5000},
        {"channel": "maps", "text": "茶" * 1365},              # 4,095 bytes
    ])
    report = check_plan(plan, today=TODAY)
    assert format_problems(report.problems) == ""
    pages = render_pages(report.plan, TEMPLATES)
    playbook = pages["playbooks/complaint.md"]
    assert "5000 of 5000 characters on LINE." in playbook
    assert "4095 of 4096 bytes on Google Maps reviews." in playbook
    channels = pages["channels.md"]
    assert "| LINE |" in channels and "| Google Maps reviews |" in channels
    assert "| 4096 bytes |" in channels


@pytest.mark.parametrize("written, hint", [
    ("LINE", "line"), ("google-maps", "google-maps-reviews"), ("dcrad", "dcard"),
])
def test_a_misspelt_platform_gets_a_hint(tmp_path, written, hint):
    plan = tmp_path / "plan"
    shutil.copytree(BASE_PLAN, plan)
    channels = plan / "channels.yaml"
    channels.write_text(channels.read_text(encoding="utf-8").replace("platform: x", f"platform: {written}"),
                        encoding="utf-8")
    messages = [p.message for p in check_plan(plan, today=TODAY).problems if p.code == "not-allowed"]
    assert len(messages) == 1 and f"did you mean '{hint}'?" in messages[0]
