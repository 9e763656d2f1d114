"""The per-file cache gives the same answers as a cold check, and never stale ones."""
from __future__ import annotations

import shutil

from crisisplan import check_plan
from crisisplan.problems import format_problems

from conftest import CASES, TODAY

BASE_PLAN = CASES / "validate" / "base-plan"


def test_cached_check_equals_cold_check(tmp_path, monkeypatch):
    plan = tmp_path / "plan"
    shutil.copytree(BASE_PLAN, plan)
    (plan / "roles.yaml").write_text((plan / "roles.yaml").read_text().replace("backup: ben", "backup: bne"))
    monkeypatch.setenv("CRISISPLAN_CACHE_DIR", str(tmp_path / "cache"))
    first = check_plan(plan, today=TODAY)
    assert list((tmp_path / "cache").rglob("*")), "the first check fills the cache"
    second = check_plan(plan, today=TODAY)
    monkeypatch.setenv("CRISISPLAN_NO_CACHE", "1")
    cold = check_plan(plan, today=TODAY)
    assert format_problems(first.problems) == format_problems(second.problems) == format_problems(cold.problems)
    assert "'bne' is not a person" in format_problems(second.problems)
    assert second.plan.domains == cold.plan.domains


def test_an_edited_file_is_checked_again(tmp_path, monkeypatch):
    plan = tmp_path / "plan"
    shutil.copytree(BASE_PLAN, plan)
    monkeypatch.setenv("CRISISPLAN_CACHE_DIR", str(tmp_path / "cache"))
    assert check_plan(plan, today=TODAY).problems == []
    roles = plan / "roles.yaml"
    roles.write_text(roles.read_text().replace("    name: Crisis lead\n", "    nmae: Crisis lead\n"))
    text = format_problems(check_plan(plan, today=TODAY).problems)
    assert "'nmae' is not a key the plan knows here: did you mean 'name'?" in text


def test_a_damaged_cache_entry_is_a_miss(tmp_path, monkeypatch):
    plan = tmp_path / "plan"
    shutil.copytree(BASE_PLAN, plan)
    monkeypatch.setenv("CRISISPLAN_CACHE_DIR", str(tmp_path / "cache"))
    check_plan(plan, today=TODAY)
    for entry in (tmp_path / "cache").rglob("*"):
        if entry.is_file():
            entry.write_bytes(b"not a pickle")
    assert check_plan(plan, today=TODAY).problems == []


def test_the_name_shown_follows_the_folder_not_the_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("CRISISPLAN_CACHE_DIR", str(tmp_path / "cache"))
    for name in ("one", "two"):
        plan = tmp_path / name
        shutil.copytree(BASE_PLAN, plan)
        (plan / "metrics.yaml").write_text("")
        assert format_problems(check_plan(plan, today=TODAY).problems).startswith(f"{plan}/metrics.yaml:1:1:")
