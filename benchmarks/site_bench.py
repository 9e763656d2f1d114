"""How long the handbook takes to build, and what the hooks add to MkDocs.

    python benchmarks/site_bench.py [--runs N] [--contacts N --playbooks N --trees N]

For the example plan and for a large generated plan (benchmarks/generate.py),
in the same run:

- hooked: `mkdocs build` of the repository's mkdocs.yml, which loads,
  validates and renders the plan in its hooks;
- bare:   `mkdocs build` of the same Markdown written to a docs folder
  beforehand, with the same theme, extensions and navigation but no hooks;

and the hooks' overhead, hooked / bare - 1 (target: under 15%):

- cold: the first build after setup on a fresh machine: an empty result
  cache, the page templates compiled by setup (`crisisplan compile-templates`,
  as pip compiles Python modules);
- uncompiled: as cold, without the templates compiled by setup;
- warm: with the per-file results of an earlier build (everyday use).

Every build
runs in a fresh interpreter, as `mkdocs build` does, alternating hooked and
bare, and is timed around MkDocs' build() (interpreter start and imports are
left out of both); the median of the runs is reported, with what the hook's
stages cost on their own.  Then the rebuild time of `mkdocs serve` after an
edit of a plan YAML: from the write until the served page shows it.
"""
from __future__ import annotations

import argparse
import concurrent.futures
import contextlib
import multiprocessing
import logging
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")

from mkdocs.commands.build import build  # noqa: E402
from mkdocs.config import load_config  # noqa: E402

from crisisplan import check_plan, render, site  # noqa: E402

TARGET_OVERHEAD = 0.15
SERVE_TIMEOUT = 120.0


def quiet():
    logging.getLogger("mkdocs").setLevel(logging.ERROR)


def hooked_build(plan_dir: Path, site_dir: Path, cache_dir: Path, setup_dir: Path | None = None) -> float:
    quiet()
    os.environ[site.PLAN_ENV] = str(plan_dir)
    os.environ["CRISISPLAN_CACHE_DIR"] = str(cache_dir)
    if setup_dir is not None:
        os.environ["CRISISPLAN_SETUP_DIR"] = str(setup_dir)
    config = load_config(config_file=str(ROOT / "mkdocs.yml"), site_dir=str(site_dir))
    start = time.perf_counter()
    build(config)
    return time.perf_counter() - start


def bare_docs(plan_dir: Path, docs_dir: Path) -> dict:
    """The hooked build's pages and files, written to `docs_dir`; the config values the hook would set."""
    plan = site.checked_plan(check_plan(plan_dir))
    shutil.copytree(ROOT / "docs", docs_dir)
    files = site.pages(plan, plan_dir, ROOT, ROOT / "theme")
    for src_uri, content in files.items():
        target = docs_dir / src_uri
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return {"site_name": site.site_name(plan), "nav": render.nav(plan, files), "handbook": site.handbook_extra(plan),
            "pages": sum(1 for name in files if name.endswith(".md"))}


def bare_build(docs_dir: Path, site_dir: Path, values: dict) -> float:
    quiet()
    plain = load_config(config_file=str(ROOT / "mkdocs.yml"))
    extra = dict(plain.extra, handbook=values["handbook"])
    if not site.wants_version_selector():  # as the hook does
        extra.pop("version", None)
    config = load_config(config_file=str(ROOT / "mkdocs.yml"), hooks=[], docs_dir=str(docs_dir),
                         site_dir=str(site_dir), nav=values["nav"], site_name=values["site_name"], extra=extra)
    start = time.perf_counter()
    build(config)
    return time.perf_counter() - start


def hook_stages(plan_dir: Path) -> dict:
    """Seconds of each stage of the hook's on_config, on their own."""
    from crisisplan import versions
    times = {}
    start = time.perf_counter()
    plan = site.checked_plan(check_plan(plan_dir))
    times["check"] = time.perf_counter() - start
    start = time.perf_counter()
    changes = versions.changes_since_previous(plan_dir, ROOT, plan)
    times["changes"] = time.perf_counter() - start
    start = time.perf_counter()
    render.render_pages(plan, ROOT / "theme" / "pages", changes_markdown=changes)
    times["render"] = time.perf_counter() - start
    return times


def fresh(function, *args):
    """`function(*args)` in a new interpreter, so that no build profits from an earlier one's caches."""
    context = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        return pool.submit(function, *args).result()


def compiled_by_setup(setup_dir: Path) -> Path:
    """What `make setup` leaves: the page templates compiled, in `setup_dir`."""
    subprocess.run([sys.executable, "-m", "crisisplan", "compile-templates"], check=True, capture_output=True,
                   env=dict(os.environ, CRISISPLAN_SETUP_DIR=str(setup_dir)))
    return setup_dir


def measure(name: str, plan_dir: Path, work: Path, runs: int) -> dict:
    docs_dir = work / f"{name}-docs"
    values = fresh(bare_docs, plan_dir, docs_dir)
    setup_dir = compiled_by_setup(work / f"{name}-setup")
    warm_cache = work / f"{name}-cache"
    fresh(hooked_build, plan_dir, work / f"{name}-hooked", warm_cache, setup_dir)  # fills the cache
    times: dict[str, list[float]] = {"cold": [], "uncompiled": [], "warm": [], "bare": []}
    for run in range(runs):
        site_dir = work / f"{name}-hooked"
        times["cold"].append(fresh(hooked_build, plan_dir, site_dir, work / f"{name}-cold-{run}", setup_dir))
        times["uncompiled"].append(fresh(hooked_build, plan_dir, site_dir, work / f"{name}-uncompiled-{run}",
                                         work / f"{name}-no-setup-{run}"))
        times["warm"].append(fresh(hooked_build, plan_dir, site_dir, warm_cache, setup_dir))
        times["bare"].append(fresh(bare_build, docs_dir, work / f"{name}-bare", values))
    row = {key: statistics.median(values_) for key, values_ in times.items()}
    for key in ("cold", "uncompiled", "warm"):
        row[f"{key}_overhead"] = row[key] / row["bare"] - 1
    return {"case": name, "pages": values["pages"], **row, "stages": fresh(hook_stages, plan_dir)}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except OSError:
        return None


def wait_for(url: str, text: str, deadline: float) -> float:
    while time.monotonic() < deadline:
        page = fetch(url)
        if page is not None and text in page:
            return time.monotonic()
        time.sleep(0.02)
    raise TimeoutError(f"{url} did not show {text!r} in time")


def serve_rebuild(work: Path, edits: int) -> list[float]:
    """Seconds from a plan YAML edit until `mkdocs serve` serves the changed page."""
    copy = work / "serve"
    copy.mkdir()
    for name in ("mkdocs.yml", "hooks", "theme", "docs", "plan", "schema"):
        (shutil.copytree if (ROOT / name).is_dir() else shutil.copy)(ROOT / name, copy / name)
    (copy / "node_modules").symlink_to(ROOT / "node_modules")
    about = copy / "plan" / "about.yaml"
    original = about.read_text(encoding="utf-8")
    version = check_plan(copy / "plan").plan.version
    port = free_port()
    url = f"http://127.0.0.1:{port}/index.html"
    server = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}"],
                              cwd=copy, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              env=dict(os.environ, CRISISPLAN_PLAN="plan"))
    times = []
    try:
        wait_for(url, f"Plan version {version}", time.monotonic() + SERVE_TIMEOUT)
        for n in range(edits):
            marker = f"{version}.{n + 1}"
            about.write_text(original.replace(f'version: "{version}"', f'version: "{marker}"', 1), encoding="utf-8")
            start = time.monotonic()
            times.append(wait_for(url, f"Plan version {marker}", start + SERVE_TIMEOUT) - start)
            time.sleep(0.5)  # let the watcher settle before the next edit
    finally:
        server.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            server.wait(timeout=10)
        if server.poll() is None:
            server.kill()
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="builds of each kind per case (median reported)")
    parser.add_argument("--contacts", type=int, default=2000)
    parser.add_argument("--playbooks", type=int, default=100)
    parser.add_argument("--trees", type=int, default=50)
    parser.add_argument("--edits", type=int, default=3, help="plan edits timed in serve mode")
    args = parser.parse_args(argv)
    from generate import make_large_plan

    rows = []
    with tempfile.TemporaryDirectory(prefix="site-bench-") as tmp:
        work = Path(tmp)
        rows.append(measure("example plan", ROOT / "plan", work, args.runs))
        large = make_large_plan(work / "large-plan", contacts=args.contacts, playbooks=args.playbooks,
                                trees=args.trees)
        rows.append(measure(f"large plan ({args.contacts} contacts, {args.playbooks} playbooks, "
                            f"{args.trees} trees)", large, work, args.runs))
        rebuilds = serve_rebuild(work, args.edits)

    kinds = ("cold", "uncompiled", "warm")
    width = max(len(r["case"]) for r in rows)
    print(f"{'case':<{width}}  {'pages':>5}  {'bare s':>7}  "
          + "  ".join(f"{kind + ' s':>12}  {kind + ' +':>12}" for kind in kinds)
          + "  hook stages alone: check, changes, render s")
    for r in rows:
        stages = ", ".join(f"{r['stages'][k]:.2f}" for k in ("check", "changes", "render"))
        print(f"{r['case']:<{width}}  {r['pages']:>5}  {r['bare']:>7.2f}  "
              + "  ".join(f"{r[kind]:>12.2f}  {r[kind + '_overhead']:>+12.1%}" for kind in kinds) + f"  {stages}")
    print("cold: first build after setup (empty result cache, page templates compiled by setup); "
          "uncompiled: the same without setup's compiled templates; warm: unchanged plan files since the "
          "last build or validate; + is the overhead over the bare build of the same pages")
    print(f"serve: rebuild after a plan YAML edit, median of {len(rebuilds)}: {statistics.median(rebuilds):.2f} s "
          f"(each: {', '.join(f'{t:.2f}' for t in rebuilds)})")
    for kind in kinds:
        over = [r["case"] for r in rows if r[kind + "_overhead"] > TARGET_OVERHEAD]
        print(f"{kind}: " + (f"over the {TARGET_OVERHEAD:.0%} overhead target: {', '.join(over)}" if over
                             else f"within the {TARGET_OVERHEAD:.0%} overhead target"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
