"""Freshness: a section whose review is overdue is a warning, and `validate --strict` fails on it."""
from __future__ import annotations

import datetime as dt
import shutil

import pytest

from crisisplan import check_plan
from crisisplan.cli import main
from crisisplan.crosscheck import add_months

from conftest import FULL_PLAN


@pytest.fixture
def stale_plan(tmp_path):
    plan = shutil.copytree(FULL_PLAN, tmp_path / "plan")
    about = plan / "about.yaml"
    text = about.read_text(encoding="utf-8")
    assert "  last_reviewed: 2026-09-24\n  every_months: 6" in text
    about.write_text(text.replace("  last_reviewed: 2026-09-24", "  last_reviewed: 2025-01-10", 1), encoding="utf-8")
    return plan


def test_full_plan_is_fresh():
    report = check_plan(FULL_PLAN)
    assert [p for p in report.problems if p.code == "section-review-overdue"] == []
    assert {row["state"] for row in report.plan.review_states()} == {"current"}


def test_overdue_section_warns(stale_plan):
    report = check_plan(stale_plan)
    overdue = [p for p in report.problems if p.code == "section-review-overdue"]
    assert [(p.file.endswith("about.yaml"), p.level, p.line) for p in overdue] == [(True, "warning", 5)]
    assert "due for review on 2025-07-10" in overdue[0].message
    assert report.ok  # a warning, not an error
    row = next(r for r in report.plan.review_states() if r["file"] == "about.yaml")
    assert (row["state"], row["due"].isoformat(), row["owner"]) == ("overdue", "2025-07-10", "claire-whitfield")


def test_strict_validation_fails_on_an_overdue_section(stale_plan, capsys):
    assert main(["validate", str(stale_plan), "--strict"]) == 1
    assert "(section-review-overdue)" in capsys.readouterr().out


def test_plain_validation_passes_with_an_overdue_section(stale_plan, capsys):
    assert main(["validate", str(stale_plan)]) == 0
    out = capsys.readouterr().out
    assert out.count("[warning]") == 1 and "(section-review-overdue)" in out


@pytest.mark.parametrize("day, months, expected", [
    (dt.date(2026, 1, 31), 1, dt.date(2026, 2, 28)),   # the month's last day where it is shorter
    (dt.date(2028, 1, 31), 1, dt.date(2028, 2, 29)),
    (dt.date(2026, 11, 30), 3, dt.date(2027, 2, 28)),
    (dt.date(2026, 6, 15), 36, dt.date(2029, 6, 15)),
    (dt.date(9999, 12, 31), 1, dt.date.max),           # past the calendar's end: no crash
])
def test_adding_months(day, months, expected):
    assert add_months(day, months) == expected
