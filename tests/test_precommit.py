"""The pre-commit hook: `pre-commit try-repo` of this repository in a plan repository.

try-repo clones the repository at HEAD and adds tracked, uncommitted
changes, but not untracked files; so that the test checks the working tree
as it is, it tries a snapshot of it (tracked and new files, not ignored
ones) committed into a scratch repository. pre-commit then installs
crisisplan from that clone, not editable, into an environment of its own.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from gitrepo import commit, git, init_repo
from conftest import FULL_PLAN, ROOT

pytestmark = pytest.mark.slow


def test_hook_definition():
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    hook = next(h for h in hooks if h["id"] == "crisisplan-validate")
    assert hook["entry"] == "crisisplan validate"
    assert hook["language"] == "python"
    assert hook["files"] == r"^plan/.*\.yaml$"
    assert hook["pass_filenames"] is False


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory) -> tuple[Path, str]:
    """This working tree, committed as it is into a scratch repository: (path, commit)."""
    snapshot = init_repo(tmp_path_factory.mktemp("hook") / "crisisplan")
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            cwd=ROOT, check=True, capture_output=True, text=True).stdout.split("\0")
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():
            (snapshot / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, snapshot / name)
    commit(snapshot, "snapshot")
    return snapshot, git(snapshot, "rev-parse", "HEAD")


def try_repo(plan_repo: Path, hook_repo: tuple[Path, str], home: Path) -> subprocess.CompletedProcess:
    repo, commit = hook_repo
    env = dict(os.environ, PRE_COMMIT_HOME=str(home), PRE_COMMIT_COLOR="never")
    env.pop("GITHUB_ACTIONS", None)  # the text format, not annotations
    return subprocess.run([sys.executable, "-m", "pre_commit", "try-repo", str(repo),
                           "crisisplan-validate", "--ref", commit, "--all-files"],
                          cwd=plan_repo, env=env, capture_output=True, text=True, timeout=600)


def test_try_repo_passes_a_valid_plan_and_stops_a_broken_one(hook_repo, tmp_path):
    plan_repo = init_repo(tmp_path / "plans")
    shutil.copytree(FULL_PLAN, plan_repo / "plan")
    git(plan_repo, "add", "--all")
    git(plan_repo, "commit", "--quiet", "-m", "The plan")
    home = tmp_path / "pre-commit-home"

    passed = try_repo(plan_repo, hook_repo, home)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "Validate the crisis plan" in passed.stdout and "Passed" in passed.stdout

    roles = plan_repo / "plan" / "roles.yaml"
    text = roles.read_text(encoding="utf-8")
    roles.write_text(text.replace("primary: claire-whitfield", "primary: nobody-here", 1), encoding="utf-8")
    line = text[: text.index("primary: claire-whitfield")].count("\n") + 1
    git(plan_repo, "add", "--all")

    failed = try_repo(plan_repo, hook_repo, home)
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "Failed" in failed.stdout
    assert (f"plan/roles.yaml:{line}:14: [error] 'nobody-here' is not a person in contacts.yaml: "
            f"add it to contacts.yaml or fix the id (unknown-reference)") in failed.stdout
