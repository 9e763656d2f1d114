"""Real git repositories for the tests of publishing, versions and diffs."""
from __future__ import annotations

import subprocess
from pathlib import Path


def git(repo: Path, *args: str, stdin: str | None = None) -> str:
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True,
                          input=stdin).stdout.strip()


def init_repo(repo: Path) -> Path:
    repo.mkdir(parents=True, exist_ok=True)
    git(repo, "init", "--quiet", "--initial-branch=main")
    git(repo, "config", "user.name", "Plan Owner")
    git(repo, "config", "user.email", "owner@harbourline.example")
    return repo


def edit(path: Path, find: str, replace: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert find in text, f"{path.name} no longer contains {find!r}"
    path.write_text(text.replace(find, replace, 1), encoding="utf-8")


def commit(repo: Path, message: str) -> None:
    git(repo, "add", "--all")
    git(repo, "commit", "--quiet", "-m", message)
