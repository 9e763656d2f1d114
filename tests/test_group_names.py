"""Names that are headings, not ids, may be written in any script and are shown as written."""
from __future__ import annotations

import shutil

from crisisplan import check_plan
from crisisplan.render import PlanView, render_pages

from conftest import CASES, ROOT, TODAY

BASE_PLAN = CASES / "validate" / "base-plan"
TEMPLATES = ROOT / "theme" / "pages"


def test_tracked_term_groups_in_chinese_are_valid_and_shown_as_written(tmp_path):
    plan = shutil.copytree(BASE_PLAN, tmp_path / "plan")
    monitoring = plan / "monitoring.yaml"
    text = monitoring.read_text(encoding="utf-8")
    assert "tracked_terms:\n" in text
    text = text.replace("tracked_terms:\n", "tracked_terms:\n  品牌名稱: [晨曦茶飲, 晨曦]\n  LINE 官方帳號: ['@chenxi']\n", 1)
    monitoring.write_text(text, encoding="utf-8")
    report = check_plan(plan, today=TODAY)
    assert report.problems == [], [p.text() for p in report.problems]
    page = render_pages(report.plan, TEMPLATES)["monitoring.md"]
    assert "- **品牌名稱:** 晨曦茶飲 · 晨曦" in page
    assert "- **LINE 官方帳號:**" in page  # not "Line 官方帳號"


def test_lower_case_group_ids_still_read_as_headings():
    assert PlanView.group_name("brand_names") == "Brand names"
    assert PlanView.group_name("competitors-and-partners") == "Competitors and partners"
    assert PlanView.group_name("Brand names") == "Brand names"
    assert PlanView.group_name("品牌名稱") == "品牌名稱"
