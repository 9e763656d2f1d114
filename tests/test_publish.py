"""Publishing with mike: two versions in a temporary repository, and the guard rails.

The repository holds what a plan repository holds (mkdocs.yml, the hook,
the theme, docs/ and, as its plan/, the full plan of tests/fixtures/); `crisisplan publish` deploys into its local
gh-pages branch as `make publish` does.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from crisisplan.cli import main

from gitrepo import commit, edit, git, init_repo
from conftest import FULL_PLAN, ROOT

pytestmark = pytest.mark.slow


@pytest.fixture
def handbook_repo(tmp_path, monkeypatch) -> Path:
    repo = tmp_path / "handbook"
    repo.mkdir()
    for name in ("mkdocs.yml", "hooks/handbook.py", "theme", "docs"):
        source, target = ROOT / name, repo / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copytree(source, target) if source.is_dir() else shutil.copy2(source, target)
    shutil.copytree(FULL_PLAN, repo / "plan")
    (repo / ".gitignore").write_text("site/\n")
    init_repo(repo)
    commit(repo, "Plan 2026.2")
    monkeypatch.chdir(repo)
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    return repo


def versions_json(repo: Path) -> list[dict]:
    return json.loads(git(repo, "show", "gh-pages:versions.json"))


def publish(*args: str) -> int:
    return main(["publish", "plan", *args])


def test_two_versions_published_and_guarded(handbook_repo, capsys):
    repo = handbook_repo
    about = repo / "plan" / "about.yaml"

    assert publish() == 0, capsys.readouterr().err
    assert versions_json(repo) == [{"version": "2026.2", "title": "2026.2", "aliases": ["latest"]}]
    assert "first published version" in git(repo, "show", "gh-pages:2026.2/changes.html")
    assert git(repo, "rev-parse", "plan-v2026.2^{commit}") == git(repo, "rev-parse", "HEAD")
    # The same content may be published again (say, after a theme change).
    with open(repo / "theme" / "assets" / "handbook.css", "a", encoding="utf-8") as css:
        css.write("/* a theme change, not a plan change */\n")
    commit(repo, "Theme change")
    assert publish("--check") == 0

    edit(about, 'version: "2026.2"', 'version: "2026.3"')
    edit(repo / "plan" / "contacts.yaml", '"+44 7700 900101"', '"+44 7700 900199"')
    commit(repo, "Plan 2026.3: new mobile number")
    assert publish() == 0, capsys.readouterr().err

    assert versions_json(repo) == [
        {"version": "2026.3", "title": "2026.3", "aliases": ["latest"]},
        {"version": "2026.2", "title": "2026.2", "aliases": []},
    ]
    for version in ("2026.2", "2026.3"):
        page = git(repo, "show", f"gh-pages:{version}/index.html")
        assert "<html" in page
        assert '"version": {"provider": "mike"}' in page  # published versions carry the selector
    # `latest` is an alias of 2026.3, and the site's front door goes to it.
    assert git(repo, "show", "gh-pages:latest").strip() == "2026.3"
    assert "latest/" in git(repo, "show", "gh-pages:index.html")
    changes = git(repo, "show", "gh-pages:2026.3/changes.html")
    assert "Plan version</strong>: changed from 2026.2 to 2026.3" in changes
    assert "mobile phone changed from +44 7700 900101 to +44 7700 900199" in changes

    # Publishing 2026.2 again with different content is refused...
    edit(about, 'version: "2026.3"', 'version: "2026.2"')
    commit(repo, "Back to 2026.2, but with the new number")
    pages_before = git(repo, "rev-parse", "gh-pages")
    capsys.readouterr()
    assert publish() == 1
    err = capsys.readouterr().err
    assert "Version 2026.2 is already published with different content" in err
    assert "for example to 2026.3" in err and "--force" in err
    assert git(repo, "rev-parse", "gh-pages") == pages_before

    # ...unless forced; the tag then records the new content.
    assert publish("--force") == 0, capsys.readouterr().err
    assert git(repo, "rev-parse", "gh-pages") != pages_before
    assert git(repo, "rev-parse", "plan-v2026.2^{commit}") == git(repo, "rev-parse", "HEAD")
    assert [v["version"] for v in versions_json(repo)] == ["2026.3", "2026.2"]


def test_invalid_plan_is_refused(handbook_repo, capsys):
    edit(handbook_repo / "plan" / "roles.yaml", "primary: claire-whitfield", "primary: nobody-here")
    commit(handbook_repo, "Broken plan")
    assert publish() == 1
    err = capsys.readouterr().err
    assert "plan/roles.yaml:" in err and "[error]" in err
    assert "The plan is not published while it has errors" in err
    assert not git(handbook_repo, "branch", "--list", "gh-pages").strip()


def test_warnings_do_not_hold_back_a_version(handbook_repo, capsys, monkeypatch):
    monkeypatch.setenv("CRISISPLAN_TODAY", "2027-06-01")  # the plan's own review date has passed
    assert publish("--check") == 0
    out, err = capsys.readouterr()
    assert out == "2026.2\n"
    assert "[warning]" in err and "plan-review-overdue" in err and "Publishing all the same" in err


def test_uncommitted_plan_is_refused(handbook_repo, capsys):
    edit(handbook_repo / "plan" / "about.yaml", 'version: "2026.2"', 'version: "2026.3"')
    assert publish() == 1
    assert "plan/ has changes that are not committed: commit them first" in capsys.readouterr().err


def test_check_only_prints_the_version(handbook_repo, capsys):
    assert publish("--check") == 0
    assert capsys.readouterr().out == "2026.2\n"
    assert not git(handbook_repo, "branch", "--list", "gh-pages").strip()
