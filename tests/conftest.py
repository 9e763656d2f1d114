"""Shared fixtures. Golden files are regenerated with `pytest --update-goldens`."""
from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path

import pytest

# The browser fixtures, shared by every browser test file (see browsing.py).
pytest_plugins = ["browsing"]

ROOT = Path(__file__).resolve().parent.parent
# The live example plan: policy owners edit it (new versions, numbers, steps),
# so only test_example_plan_is_valid_and_clean reads it.
EXAMPLE_PLAN = ROOT / "plan"
CASES = Path(__file__).resolve().parent / "cases"
# A frozen copy of the example plan (version 2026.2) for every test that needs a
# whole, realistic plan; the goldens and expected texts are made from it. Edit it
# only together with the tests, e.g. when a schema change needs the plan to change.
FULL_PLAN = Path(__file__).resolve().parent / "fixtures" / "full-plan"
# Every test checks dates against this day, so results do not change with the calendar.
TODAY = dt.date(2026, 11, 25)


def pytest_addoption(parser):
    parser.addoption("--update-goldens", action="store_true",
                     help="rewrite golden files from the current output instead of comparing")


@pytest.fixture
def update_goldens(request) -> bool:
    return request.config.getoption("--update-goldens")


@pytest.fixture(autouse=True)
def _pinned_today(monkeypatch):
    monkeypatch.setenv("CRISISPLAN_TODAY", TODAY.isoformat())
    # Messages follow the plan's language, else the locale: tests read English
    # from plans that declare none, whatever the machine's locale.
    for variable in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")


@pytest.fixture(scope="session")
def example_plan() -> Path:
    return EXAMPLE_PLAN


@pytest.fixture(scope="session")
def full_plan() -> Path:
    return FULL_PLAN


def large_plan(folder: Path, monkeypatch) -> Path:
    """benchmarks/generate.py's large plan (2,000 contacts, 100 playbooks, 50 trees) in
    `folder`, grown from the full test plan rather than the live example."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import generate
    finally:
        sys.path.pop(0)
    monkeypatch.setattr(generate, "EXAMPLE", FULL_PLAN)
    return generate.make_large_plan(folder)


def write_later(path: Path, text: str) -> None:
    """Write `path` as a later edit: its time moves on by two seconds, as some file systems
    keep whole seconds, so that what is kept by file time (under mkdocs serve) sees it."""
    before = path.stat().st_mtime_ns
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(before + 2_000_000_000, before + 2_000_000_000))
