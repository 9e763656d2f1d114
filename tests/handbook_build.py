"""Building the handbook site from tests: one build of the example plan per session.

Both test_site.py and test_browser.py need the built example site; the build
is cached here so that the session pays for it once.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from conftest import ROOT, TODAY

_built: dict[str, Path] = {}


def mkdocs_build(site_dir: Path, plan_dir: Path | None = None, strict: bool = True) -> subprocess.CompletedProcess:
    """`mkdocs build` of the repository's mkdocs.yml into `site_dir`, as `make build` runs it."""
    env = dict(os.environ, CRISISPLAN_TODAY=TODAY.isoformat(), NO_MKDOCS_2_WARNING="1")
    env.pop("CRISISPLAN_PLAN", None)
    if plan_dir is not None:
        env["CRISISPLAN_PLAN"] = str(plan_dir)
    command = [sys.executable, "-m", "mkdocs", "build", "-f", str(ROOT / "mkdocs.yml"), "-d", str(site_dir)]
    if strict:
        command.append("--strict")
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)


def example_site(tmp_path_factory) -> Path:
    """The example plan's site, built once per test session."""
    if "example" not in _built:
        site_dir = tmp_path_factory.mktemp("handbook") / "site"
        result = mkdocs_build(site_dir)
        assert result.returncode == 0, result.stdout + result.stderr
        _built["example"] = site_dir
    return _built["example"]
