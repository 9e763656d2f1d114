"""The triage tree ("Is it really a crisis?") is the one about.yaml names in
crisis.triage_tree, else the tree is-this-a-crisis; never a tree found by chance."""
from __future__ import annotations

import shutil

from crisisplan import check_plan
from crisisplan.render import PlanView, nav, render_pages

from conftest import CASES, ROOT, TODAY

SMALL_PLAN = CASES / "render" / "small-plan"
BASE_PLAN = CASES / "validate" / "base-plan"
TEMPLATES = ROOT / "theme" / "pages"


def copy_with_triage(source, tmp_path, triage: str | None, rename: dict | None = None):
    plan = shutil.copytree(source, tmp_path / "plan")
    for old, new in (rename or {}).items():  # the tree's file, its id and every reference to it
        (plan / "trees" / f"{old}.yaml").rename(plan / "trees" / f"{new}.yaml")
        for path in plan.rglob("*.yaml"):
            path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    if triage:
        about = plan / "about.yaml"
        text = about.read_text(encoding="utf-8")
        about.write_text(text.replace("crisis:\n", f"crisis:\n  triage_tree: {triage}\n", 1), encoding="utf-8")
    report = check_plan(plan, today=TODAY)
    assert report.ok, [p.text() for p in report.errors]
    return report.plan


def test_a_declared_triage_tree_is_the_one_the_home_page_opens(tmp_path):
    plan = copy_with_triage(SMALL_PLAN, tmp_path, "triage", rename={"is-this-a-crisis": "triage"})
    assert PlanView(plan).triage == "triage"
    entries = nav(plan)
    assert entries[1] == {"Is this a crisis?": "trees/triage.md"}
    assert "trees/triage.md" not in entries[6]["Decision trees"]  # not listed twice
    home = render_pages(plan, TEMPLATES)["index.md"]
    assert "](trees/triage.md){ .md-button .md-button--primary }" in home


def test_the_declaration_wins_over_the_tree_named_is_this_a_crisis(tmp_path):
    plan = copy_with_triage(SMALL_PLAN, tmp_path, "may-we-remove")
    assert PlanView(plan).triage == "may-we-remove"
    assert nav(plan)[1] == {"Is this a crisis?": "trees/may-we-remove.md"}


def test_without_a_declaration_the_tree_is_this_a_crisis_is_the_one(tmp_path):
    plan = copy_with_triage(SMALL_PLAN, tmp_path, None)
    assert PlanView(plan).triage == "is-this-a-crisis"


def test_without_a_declaration_or_that_tree_no_other_tree_stands_in(tmp_path):
    plan = copy_with_triage(BASE_PLAN, tmp_path, None)
    assert PlanView(plan).triage is None
    assert "Is this a crisis?" not in [next(iter(entry)) for entry in nav(plan)]
    assert "{#triage}" not in render_pages(plan, TEMPLATES)["index.md"]
