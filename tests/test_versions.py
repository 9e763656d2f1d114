"""Plan versions in git: the version-bump check and the "What changed" page's text.

Fast: no site is built. The gh-pages branch is made with git plumbing,
holding only the versions.json that mike would write.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from crisisplan import i18n
from crisisplan.cli import main
from crisisplan.versions import (FIRST_VERSION, changes_since_previous, previous_version, suggest_next,
                                 version_key)

from gitrepo import commit, edit, git, init_repo
from conftest import FULL_PLAN


@pytest.fixture
def repo(tmp_path, monkeypatch) -> Path:
    repo = tmp_path / "repo"
    init_repo(repo)
    shutil.copytree(FULL_PLAN, repo / "plan")
    commit(repo, "Plan 2026.2")
    monkeypatch.chdir(repo)
    return repo


def set_version(repo: Path, old: str, new: str) -> None:
    edit(repo / "plan" / "about.yaml", f'version: "{old}"', f'version: "{new}"')


def change_a_number(repo: Path) -> None:
    edit(repo / "plan" / "contacts.yaml", '"+44 7700 900101"', '"+44 7700 900199"')


def publish_pages(repo: Path, versions: list[str]) -> None:
    """A gh-pages branch whose versions.json lists `versions`, newest first, as mike writes it."""
    listing = [{"version": v, "title": v, "aliases": ["latest"] if i == 0 else []} for i, v in enumerate(versions)]
    blob = git(repo, "hash-object", "-w", "--stdin", stdin=json.dumps(listing))
    tree = git(repo, "mktree", stdin=f"100644 blob {blob}\tversions.json\n")
    git(repo, "update-ref", "refs/heads/gh-pages", git(repo, "commit-tree", tree, "-m", "pages"))


# --- check-version-bump ------------------------------------------------------------

def test_plan_changed_without_a_new_version_is_flagged(repo, capsys):
    git(repo, "checkout", "--quiet", "-b", "new-number")
    change_a_number(repo)
    commit(repo, "New mobile number")
    assert main(["check-version-bump", "main"]) == 1
    assert capsys.readouterr().out == (
        "The plan changed but its version is still 2026.2: raise plan.version in plan/about.yaml "
        "(for example to 2026.3), so the change is published as a new version.\n")


def test_raised_version_passes(repo, capsys):
    change_a_number(repo)
    set_version(repo, "2026.2", "2026.3")
    assert main(["check-version-bump", "main"]) == 0
    assert "fine" in capsys.readouterr().out


def test_lowered_version_is_flagged(repo, capsys):
    change_a_number(repo)
    set_version(repo, "2026.2", "2026.1")
    assert main(["check-version-bump", "main"]) == 1
    assert "went down from 2026.2 to 2026.1" in capsys.readouterr().out


def test_unchanged_plan_needs_no_new_version(repo, capsys):
    (repo / "README.md").write_text("Not the plan.\n")
    commit(repo, "Readme")
    assert main(["check-version-bump", "HEAD~1"]) == 0


def test_version_bump_in_github_actions_is_an_annotation(repo, capsys, monkeypatch):
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    change_a_number(repo)
    assert main(["check-version-bump", "main"]) == 1
    assert capsys.readouterr().out.startswith(
        "::error file=plan/about.yaml,line=1,col=1,title=version-not-raised::The plan changed")


def test_a_chinese_plans_version_check_speaks_chinese(repo, capsys, monkeypatch):
    edit(repo / "plan" / "about.yaml", "language: en", "language: zh-TW")
    commit(repo, "The plan in Chinese")
    change_a_number(repo)
    assert main(["check-version-bump", "HEAD"]) == 1
    assert capsys.readouterr().out == (
        "計畫已修改，但版本仍是 2026.2：請在 plan/about.yaml 調高 plan.version（例如改為 2026.3），"
        "修改才會以新版本發布。\n")
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    assert main(["check-version-bump", "HEAD"]) == 1
    assert capsys.readouterr().out.startswith(
        "::error file=plan/about.yaml,line=1,col=1,title=version-not-raised::計畫已修改，但版本仍是 2026.2")
    set_version(repo, "2026.2", "2026.1")
    assert main(["check-version-bump", "HEAD"]) == 1
    assert "計畫的版本從 2026.2 降為 2026.1：新版本必須高於 2026.2（plan/about.yaml）。" in capsys.readouterr().out
    set_version(repo, "2026.1", "2026.3")
    monkeypatch.delenv("GITHUB_ACTIONS")
    assert main(["check-version-bump", "HEAD"]) == 0
    assert capsys.readouterr().out == "與 HEAD 相比，計畫的版本沒有問題。\n"


def test_unknown_base_is_reported(repo, capsys):
    assert main(["check-version-bump", "origin/nowhere"]) == 2
    assert "'origin/nowhere' is not a git revision here" in capsys.readouterr().err


# --- the "What changed in this version" page ---------------------------------------

def test_nothing_published_yet(repo):
    assert changes_since_previous(repo / "plan", repo) == FIRST_VERSION


def test_outside_git_there_is_nothing_to_compare(tmp_path):
    plan = shutil.copytree(FULL_PLAN, tmp_path / "plan")
    assert changes_since_previous(plan) == FIRST_VERSION


def test_changes_since_the_previous_published_version(repo):
    git(repo, "tag", "plan-v2026.2")
    publish_pages(repo, ["2026.2"])
    set_version(repo, "2026.2", "2026.3")
    change_a_number(repo)
    markdown = changes_since_previous(repo / "plan", repo)
    assert markdown.startswith("From plan version 2026.2 to 2026.3: 2 changes in 2 sections.\n")
    assert "- **Person Marcus Bell**: mobile phone changed from +44 7700 900101 to +44 7700 900199" in markdown


def test_the_changes_page_speaks_the_language_it_is_given(repo):
    zh = i18n.language("zh-TW")
    assert changes_since_previous(repo / "plan", repo, language=zh).startswith("這是本計畫第一個發布的版本")
    git(repo, "tag", "plan-v2026.2")
    publish_pages(repo, ["2026.2"])
    set_version(repo, "2026.2", "2026.3")
    change_a_number(repo)
    markdown = changes_since_previous(repo / "plan", repo, language=zh)
    assert markdown.startswith("計畫版本 2026.2 到 2026.3：2 個章節共有 2 項變更。\n")
    assert "- **人員「Marcus Bell」**：手機號碼由 +44 7700 900101 改為 +44 7700 900199" in markdown


def test_rebuilding_a_published_version_compares_with_the_one_before(repo):
    git(repo, "tag", "plan-v2026.1")
    set_version(repo, "2026.2", "2026.3")
    commit(repo, "2026.3")
    git(repo, "tag", "plan-v2026.3")
    publish_pages(repo, ["2026.3", "2026.1"])
    # Building 2026.3 again (the version being built is published already).
    assert changes_since_previous(repo / "plan", repo).startswith("From plan version 2026.2 to 2026.3")


def test_without_gh_pages_the_previous_tag_is_used(repo):
    git(repo, "tag", "plan-v2026.2")
    set_version(repo, "2026.2", "2026.10")
    assert changes_since_previous(repo / "plan", repo).startswith("From plan version 2026.2 to 2026.10: 1 change")


def test_published_version_without_its_tag(repo):
    publish_pages(repo, ["2026.1"])
    text = changes_since_previous(repo / "plan", repo)
    assert text.startswith("The previous version, 2026.1, was published, but its source (the git tag plan-v2026.1)")


def test_previous_version_uses_version_order(repo):
    publish_pages(repo, ["2026.10", "2026.9", "2026.2"])
    assert previous_version("2026.10", repo) == "2026.9"
    assert previous_version("2026.3", repo) == "2026.2"
    assert previous_version("2026.1", repo) is None


def test_version_helpers():
    assert version_key("2026.10") > version_key("2026.9")
    assert suggest_next("2026.2") == "2026.3"
    assert suggest_next("2026.9-rc") == "2026.10-rc"
    assert suggest_next("draft") == "draft.1"
