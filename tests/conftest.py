"""Shared fixtures. Golden files are regenerated with `pytest --update-goldens`."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_PLAN = ROOT / "plan"
CASES = Path(__file__).resolve().parent / "cases"
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


@pytest.fixture(scope="session", autouse=True)
def _private_cache(tmp_path_factory):
    """The per-file result cache of this test run, away from the user's own."""
    folder = tmp_path_factory.mktemp("crisisplan-cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CRISISPLAN_CACHE_DIR", str(folder))
        patch.delenv("CRISISPLAN_NO_CACHE", raising=False)
        yield folder


@pytest.fixture(scope="session")
def example_plan() -> Path:
    return EXAMPLE_PLAN
