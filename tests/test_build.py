"""`crisisplan build`: the new site replaces the old one whole, by rename, one
build at a time; a failed build or a refused swap leaves the old site as it was."""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from crisisplan import build as building
from crisisplan.build import BuildError, build, exclusive, swap_in

from conftest import CASES, ROOT, TODAY

SMALL_PLAN = CASES / "render" / "small-plan"


def checksums(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def a_site(folder: Path, marker: str) -> Path:
    (folder / "assets").mkdir(parents=True)
    (folder / "index.html").write_text(f"<html>{marker}</html>")
    (folder / "assets" / "style.css").write_text(marker)
    return folder


# --- the swap, without MkDocs ------------------------------------------------------------------

def test_the_new_site_takes_the_old_ones_place(tmp_path):
    old = checksums(a_site(tmp_path / "site", "old"))
    new = checksums(a_site(tmp_path / "scratch", "new"))
    swap_in(tmp_path / "scratch", tmp_path / "site")
    assert checksums(tmp_path / "site") == new != old
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]  # the old site is gone, nothing left over


def test_a_first_build_needs_no_old_site(tmp_path):
    new = checksums(a_site(tmp_path / "scratch", "new"))
    swap_in(tmp_path / "scratch", tmp_path / "site")
    assert checksums(tmp_path / "site") == new


def test_a_refused_swap_leaves_the_old_site_whole(tmp_path, monkeypatch):
    old = checksums(a_site(tmp_path / "site", "old"))
    a_site(tmp_path / "scratch", "new")

    def refused(first, second):
        raise PermissionError(13, "Permission denied", str(second))

    monkeypatch.setattr(building, "exchange", refused)
    with pytest.raises(BuildError) as caught:
        swap_in(tmp_path / "scratch", tmp_path / "site")
    assert str(caught.value) == (
        f"the new handbook could not replace {tmp_path / 'site'} (Permission denied); the site built "
        f"before stays as it was. Check that you may change {tmp_path / 'site'} and the folder it is in, "
        "then build again")
    assert checksums(tmp_path / "site") == old


def test_the_two_rename_fallback_puts_the_old_site_back_when_the_second_fails(tmp_path, monkeypatch):
    old = checksums(a_site(tmp_path / "site", "old"))
    a_site(tmp_path / "scratch", "new")
    real_rename = os.rename
    monkeypatch.setattr(building.ctypes.util, "find_library", lambda name: None)  # no renameat2

    def rename(source, target):
        if Path(source).name == "scratch":
            raise PermissionError(13, "Permission denied", str(target))
        real_rename(source, target)

    monkeypatch.setattr(building.os, "rename", rename)
    with pytest.raises(BuildError):
        swap_in(tmp_path / "scratch", tmp_path / "site")
    assert checksums(tmp_path / "site") == old


def test_something_else_in_the_sites_place_is_never_replaced(tmp_path):
    (tmp_path / "site").write_text("notes")
    a_site(tmp_path / "scratch", "new")
    with pytest.raises(BuildError, match="is not a folder: move it away"):
        swap_in(tmp_path / "scratch", tmp_path / "site")
    assert (tmp_path / "site").read_text() == "notes"


# --- whole builds ---------------------------------------------------------------------------------

def crisisplan_build(cwd: Path, plan: Path, *more: str) -> subprocess.Popen:
    env = dict(os.environ, CRISISPLAN_TODAY=TODAY.isoformat())
    return subprocess.Popen([sys.executable, "-m", "crisisplan", "build", str(plan), "--config-file",
                             str(ROOT / "mkdocs.yml"), *more], cwd=cwd, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def finished(process: subprocess.Popen) -> tuple[int, str]:
    output, _ = process.communicate(timeout=300)
    return process.returncode, output


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> dict[str, str]:
    """The file list of one build of the small plan, built alone."""
    folder = tmp_path_factory.mktemp("reference")
    code, output = finished(crisisplan_build(folder, SMALL_PLAN))
    assert code == 0, output
    return checksums(folder / "site")


def complete(site: Path, reference: dict[str, str]) -> bool:
    files = checksums(site)
    html_whole = all((site / path).read_text(encoding="utf-8").rstrip().endswith("</html>")
                     for path in files if path.endswith(".html"))
    return files.keys() == reference.keys() and html_whole


@pytest.mark.slow
@pytest.mark.parametrize("offset", [0.0, 0.4, 0.8, 1.2])
def test_two_builds_at_once_leave_one_whole_site(tmp_path, reference, offset):
    first = crisisplan_build(tmp_path, SMALL_PLAN)
    time.sleep(offset)
    second = crisisplan_build(tmp_path, SMALL_PLAN)
    results = [finished(first), finished(second)]
    assert [code for code, _ in results] == [0, 0], results
    assert complete(tmp_path / "site", reference)
    assert sorted(p.name for p in tmp_path.iterdir()) == [".site.lock", "site"]  # no scratch folder left


@pytest.mark.slow
def test_a_build_waits_for_the_one_holding_the_folder(tmp_path, reference):
    with exclusive((tmp_path / "site").absolute()):
        waiting = crisisplan_build(tmp_path, SMALL_PLAN)
        time.sleep(3)
        assert waiting.poll() is None  # still waiting
        assert not (tmp_path / "site").exists()
    code, output = finished(waiting)
    assert code == 0
    assert f"another build of {(tmp_path / 'site').absolute()} is running; waiting for it to finish" in output
    assert complete(tmp_path / "site", reference)


@pytest.mark.slow
def test_a_plan_with_errors_leaves_the_old_site_as_it_was(tmp_path, reference):
    assert finished(crisisplan_build(tmp_path, SMALL_PLAN))[0] == 0
    before = checksums(tmp_path / "site")
    broken = shutil.copytree(SMALL_PLAN, tmp_path / "broken")
    roles = broken / "roles.yaml"
    roles.write_text(roles.read_text().replace("primary: ada-ng", "primary: nobody-here", 1))
    code, output = finished(crisisplan_build(tmp_path, broken))
    assert code == 1
    assert "roles.yaml:" in output and "(unknown-reference)" in output
    assert output.rstrip().endswith("the handbook was not built; the site built before stays as it was")
    assert "Traceback" not in output
    assert checksums(tmp_path / "site") == before


@pytest.mark.slow
def test_a_site_folder_that_cannot_be_replaced_stays_whole(tmp_path, reference):
    """An immutable site folder (chattr +i): the swap fails, and nothing of the old site is lost."""
    assert finished(crisisplan_build(tmp_path, SMALL_PLAN))[0] == 0
    before = checksums(tmp_path / "site")
    if subprocess.run(["chattr", "+i", str(tmp_path / "site")], capture_output=True).returncode != 0:
        pytest.skip("this file system cannot make a folder immutable")
    try:
        code, output = finished(crisisplan_build(tmp_path, SMALL_PLAN))
    finally:
        subprocess.run(["chattr", "-i", str(tmp_path / "site")], check=True)
    assert code == 1
    assert f"the new handbook could not replace {tmp_path / 'site'} (Operation not permitted)" in output
    assert "Traceback" not in output
    assert checksums(tmp_path / "site") == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [".site.lock", "site"]


def test_build_refuses_nothing_silently_when_mkdocs_is_missing(tmp_path, monkeypatch):
    monkeypatch.setattr(building.sys, "executable", str(tmp_path / "no-python"))
    with pytest.raises(BuildError, match=r"cannot run MkDocs \(No such file or directory\)"):
        build(tmp_path / "site", SMALL_PLAN)
    assert not (tmp_path / "site").exists()


@pytest.mark.slow
def test_a_chinese_plans_build_speaks_chinese(tmp_path):
    """What `crisisplan build` says itself, in the plan's language, as the problems are."""
    plan = shutil.copytree(SMALL_PLAN, tmp_path / "plan")
    about = plan / "about.yaml"
    about.write_text(about.read_text().replace("  language: en", "  language: zh-TW", 1))
    code, output = finished(crisisplan_build(tmp_path, plan))
    assert code == 0, output
    assert output.rstrip().endswith("手冊已建置到 site/（請開啟 site/index.html）")
    before = checksums(tmp_path / "site")
    roles = plan / "roles.yaml"
    roles.write_text(roles.read_text().replace("primary: ada-ng", "primary: nobody-here", 1))
    code, output = finished(crisisplan_build(tmp_path, plan))
    assert code == 1
    assert "roles.yaml:" in output and "(unknown-reference)" in output and "已檢查" not in output
    assert output.rstrip().endswith("手冊沒有建置；先前建置的網站維持原狀")
    assert checksums(tmp_path / "site") == before
