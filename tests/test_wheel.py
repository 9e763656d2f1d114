"""An organisation adopts crisisplan without forking it: the wheel, installed
into a fresh virtualenv outside this repository, creates a plan repository
that validates and builds its handbook, and a same-named file in the plan
repository's theme/ overrides one page.

The wheel is built from a copy of the files it is made of, so the build
writes nothing into this working tree; PyPI provides the dependencies.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, TODAY

pytestmark = pytest.mark.slow

# What the wheel is built from (see pyproject.toml: package-dir and package-data).
SOURCES = ("pyproject.toml", "README.md", "hooks", "schema", "plan", "examples", "theme")


def run(command: list, cwd: Path, env: dict, timeout: int = 900) -> subprocess.CompletedProcess:
    result = subprocess.run([str(part) for part in command], cwd=cwd, env=env, capture_output=True, text=True,
                            timeout=timeout)
    print(f"$ {' '.join(str(part) for part in command)}  (in {cwd}, exit {result.returncode})\n"
          f"{result.stdout}{result.stderr}")
    return result


@pytest.fixture(scope="module")
def venv(tmp_path_factory) -> tuple[Path, dict]:
    """(bin folder of a fresh virtualenv with crisisplan[site] installed from the wheel, its environment)."""
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"
    source.mkdir()
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(ROOT / name, source / name)
    env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": os.environ.get("HOME", str(work)),
           "LANG": "C.UTF-8", "CRISISPLAN_TODAY": TODAY.isoformat(), "NO_MKDOCS_2_WARNING": "1"}
    for name in ("PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL", "PIP_FIND_LINKS", "PIP_CONFIG_FILE", "http_proxy",
                 "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "no_proxy", "NO_PROXY", "SSL_CERT_FILE"):
        if name in os.environ:
            env[name] = os.environ[name]
    built = run([sys.executable, "-m", "build", "--wheel", "--outdir", work / "dist", source], work, env)
    assert built.returncode == 0, "the wheel does not build (is `build` installed? make setup installs it)"
    wheel, = (work / "dist").glob("crisisplan-*.whl")
    env["WHEEL_VERSION"] = wheel.name.split("-")[1]

    made = run([sys.executable, "-m", "venv", work / "venv"], work, env)
    assert made.returncode == 0
    bin_dir = work / "venv" / "bin"
    installed = run([bin_dir / "python", "-m", "pip", "install", "--quiet", f"{wheel}[site]"], work, env)
    assert installed.returncode == 0
    env["PATH"] = f"{bin_dir}:{env['PATH']}"
    env["VIRTUAL_ENV"] = str(work / "venv")
    return bin_dir, env


def test_a_plan_repository_builds_from_the_installed_wheel_alone(venv, tmp_path):
    bin_dir, env = venv
    where = run([bin_dir / "python", "-c", "import crisisplan.site as s; print(s.packaged_theme())"], tmp_path, env)
    packaged = Path(where.stdout.strip())
    assert packaged.is_relative_to(bin_dir.parent), "crisisplan must come from the wheel, not this checkout"

    version = run([bin_dir / "crisisplan", "--version"], tmp_path, env)
    assert version.returncode == 0
    assert version.stdout.strip() == f"crisisplan {env['WHEEL_VERSION']}"

    created = run([bin_dir / "crisisplan", "new", "handbook", "--organisation", "Acme Ferries"], tmp_path, env)
    assert created.returncode == 0
    handbook = tmp_path / "handbook"
    assert (handbook / "hooks" / "handbook.py").read_text(encoding="utf-8").startswith(
        "from crisisplan.mkdocs_hook import *")

    validated = run([bin_dir / "crisisplan", "validate"], handbook, env)
    assert validated.returncode == 0
    assert "plan" in validated.stdout + validated.stderr

    built = run([bin_dir / "mkdocs", "build", "--strict"], handbook, env, timeout=600)
    assert built.returncode == 0
    site = handbook / "site"
    index = (site / "index.html").read_text(encoding="utf-8")
    assert "Acme Ferries crisis handbook" in index
    assert 'href="assets/handbook.css"' in index
    assert (site / "assets" / "handbook.css").read_bytes() == (packaged / "assets" / "handbook.css").read_bytes()
    tree = (site / "trees" / "is-this-a-crisis.html").read_text(encoding="utf-8")
    assert 'class="mermaid"' in tree and "javascripts/mermaid.min.js" in tree
    assert (site / "javascripts" / "mermaid.min.js").stat().st_size > 1_000_000
    assert "javascripts/handbook.js" in tree and (site / "javascripts" / "handbook.js").is_file()
    assert 'data-md-component="search" role="dialog" aria-label=' in index  # the theme's own partials
    assert not list(tmp_path.rglob("node_modules"))

    # One page restyled by a same-named template in the plan repository's theme/.
    override = handbook / "theme" / "pages" / "contacts.md.j2"
    override.parent.mkdir(parents=True, exist_ok=True)
    original = (packaged / "pages" / "contacts.md.j2").read_text(encoding="utf-8")
    override.write_text(original + "\n## Acme override marker\n", encoding="utf-8")
    rebuilt = run([bin_dir / "crisisplan", "build"], handbook, env, timeout=600)
    assert rebuilt.returncode == 0
    assert "Acme override marker" in (site / "contacts.html").read_text(encoding="utf-8")
    assert "Acme override marker" not in (site / "roles.html").read_text(encoding="utf-8")

    refused = run([bin_dir / "crisisplan", "new", "handbook"], tmp_path, env)
    assert refused.returncode == 1
    assert "is not empty" in refused.stderr
    assert override.is_file()

    # The Traditional Chinese example is in the wheel too: a Chinese plan starts from it.
    chinese = run([bin_dir / "crisisplan", "new", "shouce", "--language", "zh-TW"], tmp_path, env)
    assert chinese.returncode == 0
    checked = run([bin_dir / "crisisplan", "validate"], tmp_path / "shouce", env)
    assert checked.returncode == 0 and "計畫沒有問題。" in checked.stderr
    assert "晨曦茶飲" in (tmp_path / "shouce" / "plan" / "about.yaml").read_text(encoding="utf-8")
