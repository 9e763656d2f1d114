"""What `mkdocs serve` keeps in memory between rebuilds (schemas with their
Cerberus validators, page templates, catalogues) is reused only while its
files are unchanged: an edit shows on the next rebuild of the same process."""
from __future__ import annotations

import os
import shutil

from crisisplan import check_plan
from crisisplan.problems import format_problems
from crisisplan.schema import load_schemas

from conftest import FULL_PLAN, ROOT, TODAY

SCHEMA_DIR = ROOT / "schema"


def _touch_later(path, text: str) -> None:
    """Write `path` and move its time on, as a later edit (some file systems keep whole seconds)."""
    before = path.stat().st_mtime_ns
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(before + 2_000_000_000, before + 2_000_000_000))


def test_unchanged_schemas_are_reused_with_their_validators(tmp_path):
    folder = shutil.copytree(SCHEMA_DIR, tmp_path / "schema")
    first = load_schemas(folder)
    unit = first.unit("contacts")
    again = load_schemas(folder)
    assert again is first
    assert again.unit("contacts") is unit


def test_an_edited_schema_is_read_again(tmp_path):
    folder = shutil.copytree(SCHEMA_DIR, tmp_path / "schema")
    first = load_schemas(folder)
    assert first.problems == []
    metrics = folder / "metrics.yaml"
    _touch_later(metrics, "name: {type: string, requird: true}\n")
    edited = load_schemas(folder)
    assert edited is not first
    assert "'requird' is not a rule" in format_problems(edited.problems)
    # The same edit undone (same size, another time) is read again too.
    _touch_later(metrics, (SCHEMA_DIR / "metrics.yaml").read_text(encoding="utf-8"))
    assert load_schemas(folder).problems == []


def test_a_plan_repositorys_schema_edit_reaches_the_check(tmp_path):
    """A plan repository's own schema/ beside its plan: tightening a rule there
    shows in the next check of the same process, and loosening it again too."""
    plan = shutil.copytree(FULL_PLAN, tmp_path / "plan")
    own = tmp_path / "schema"
    own.mkdir()
    assert check_plan(plan, today=TODAY).ok
    about = (SCHEMA_DIR / "about.yaml").read_text(encoding="utf-8")
    (own / "about.yaml").write_text(about, encoding="utf-8")
    assert check_plan(plan, today=TODAY).ok
    assert "organisation:" in about
    _touch_later(own / "about.yaml", about + "extra_required: {type: string, required: true}\n")
    report = check_plan(plan, today=TODAY)
    assert "'extra_required' is missing" in format_problems(report.problems)
    (own / "about.yaml").unlink()
    assert check_plan(plan, today=TODAY).ok


def test_a_schema_added_or_removed_is_noticed(tmp_path):
    folder = shutil.copytree(SCHEMA_DIR, tmp_path / "schema")
    assert "extra" not in load_schemas(folder).by_name
    (folder / "extra.yaml").write_text("name: {type: string}\n", encoding="utf-8")
    assert "extra" in load_schemas(folder).by_name
    (folder / "extra.yaml").unlink()
    assert "extra" not in load_schemas(folder).by_name
