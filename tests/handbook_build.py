"""Building the handbook site from tests: one build of the full plan per session.

Both test_site.py and test_browser.py need the site built from the full plan
in tests/fixtures/ (never from the live plan/); the build is cached here so
that the session pays for it once.
"""
from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from conftest import FULL_PLAN, ROOT, TODAY

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


def full_site(tmp_path_factory) -> Path:
    """The full plan's site, built once per test session."""
    if "full" not in _built:
        site_dir = tmp_path_factory.mktemp("handbook") / "site"
        result = mkdocs_build(site_dir, plan_dir=FULL_PLAN)
        assert result.returncode == 0, result.stdout + result.stderr
        _built["full"] = site_dir
    return _built["full"]


@contextlib.contextmanager
def mkdocs_serve(plan_dir: Path, log: Path):
    """`mkdocs serve` of the repository's mkdocs.yml with another plan folder, on a free local port."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = dict(os.environ, CRISISPLAN_TODAY=TODAY.isoformat(), NO_MKDOCS_2_WARNING="1",
               CRISISPLAN_PLAN=str(plan_dir))
    with open(log, "w") as output:
        server = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "-f", str(ROOT / "mkdocs.yml"),
                                   "-a", f"127.0.0.1:{port}"], cwd=ROOT, env=env, stdout=output, stderr=output)
        try:
            yield f"http://127.0.0.1:{port}"
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def wait_for_page(url: str, text: str, timeout: float = 60.0) -> str:
    """The page at `url` once it holds `text`; AssertionError after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    page = ""
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                page = response.read().decode("utf-8")
        except OSError:
            page = ""
        if text in page:
            return page
        time.sleep(0.1)
    raise AssertionError(f"{url} did not show {text!r} within {timeout:.0f} s")
