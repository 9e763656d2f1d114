"""How long the handbook takes to build and to preview, against MkDocs alone.

    python benchmarks/site_bench.py [--runs N] [--edits N] [--contacts N --playbooks N --trees N]

For the example plan and for a large generated plan (benchmarks/generate.py),
each figure is a ratio against a baseline measured in the same run:

- build: a cold `mkdocs build` of the repository's mkdocs.yml, whose hook
  loads, checks and renders the plan, against a bare build: MkDocs and
  Material alone, building the same generated pages from a docs folder, with
  the same theme, extensions and navigation and no hook (a config file
  written out beforehand: the repository's mkdocs.yml without its hook, set
  as the hook sets it).  Both are run by the same `mkdocs` command, so both
  get MkDocs' own config loading, logging and warnings.  Each build is a
  whole new process, timed from outside (start-up and imports included), as
  a user runs it; crisisplan keeps nothing between runs, so every build is
  cold.  Hooked and bare builds alternate; the median of the pairs' ratios
  is reported.  Target: the large plan within 1.5x.
- preview: under `mkdocs serve`, the seconds from an edit until the served
  page shows it: an edit of a plan YAML file with the hook, against an edit
  of the generated Markdown page without it (both servers run side by side,
  started by the same `mkdocs serve` command; edits alternate).  MkDocs looks
  for changes every 0.5 s, so each edit waits 0 to 0.5 s for the next look
  on either side: the pairs vary, use five edits or more.  Target: within 1.1x.
  The hooked server renders again only the pages the edit changed (the plan's
  version: the home and about pages, the vCard and "what changed"), as it
  would for a policy owner previewing an edit (see crisisplan/kept_pages.py).

In both, each pair starts with the other kind in turn, so that a machine
speeding up or slowing down during the run favours neither.

`benchmarks/validate_bench.py` gives the third figure, `crisisplan validate`
of the large plan.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
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

TARGET_BUILD = 1.5
TARGET_PREVIEW = 1.1
SERVE_TIMEOUT = 180.0


# --- the bare site: the hook's pages and settings, written out beforehand -------------------------

def bare_site(plan_dir: Path, docs_dir: Path) -> dict:
    """Run the hook's on_config once, here: write the pages it generates to `docs_dir`, and
    return the settings it gives MkDocs, for a bare build of the same site without it."""
    import importlib.util

    from mkdocs.config import load_config

    os.environ["CRISISPLAN_PLAN"] = str(plan_dir)
    config = load_config(config_file=str(ROOT / "mkdocs.yml"))
    spec = importlib.util.spec_from_file_location("handbook_hook_for_bench", ROOT / "hooks" / "handbook.py")
    hook = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(hook)
    config = hook.on_config(config) or config
    module = sys.modules.get(hook.on_config.__module__, hook)
    generated = module._generated  # what the hook adds to the site
    shutil.copytree(ROOT / "docs", docs_dir)
    for src_uri, content in generated.items():
        target = docs_dir / src_uri
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    theme = {key: config.theme[key] for key in ("language", "features", "palette", "font")
             if config.theme.get(key) is not None}
    search = next((plugin for name, plugin in config.plugins.items() if name in ("search", "material/search")), None)
    search_options = {}
    if search is not None:
        search_options = {key: search.config[key] for key in ("lang", "separator", "jieba_dict", "jieba_dict_user")
                          if search.config.get(key) is not None}
    # The pages the hook keeps out of the navigation on purpose (a large plan's
    # contact list) are kept out of the bare site's too, by pattern.
    not_in_nav = sorted({"/" + src_uri.rsplit("-", 1)[0] + "-*.md" for src_uri in generated
                         if module.render.is_contacts_part(src_uri)})
    return {"docs_dir": str(docs_dir), "site_name": str(config.site_name), "nav": config.nav,
            "extra": {key: value for key, value in config.extra.items() if key != "polyfills"},
            "extra_css": [str(css) for css in config.extra_css],
            "markdown_extensions": [{name: config.mdx_configs.get(name, {})} for name in config.markdown_extensions],
            "theme": dict(theme, name=config.theme.name, custom_dir=str(config.theme.custom_dir or "")),
            "search": search_options, "not_in_nav": "\n".join(not_in_nav),
            "pages": sum(1 for name in generated if name.endswith(".md"))}


def write_bare_config(values: dict, path: Path) -> Path:
    """The repository's mkdocs.yml without its hook, set as the hook set it, written to `path`:
    the bare site is built and served by the same `mkdocs` command as the hooked one, from a
    config file, so both get MkDocs' own logging, warnings and config loading."""
    import yaml
    from mkdocs.utils.yaml import yaml_load

    with open(ROOT / "mkdocs.yml", encoding="utf-8") as file:
        config = yaml_load(file)
    theme = {key: value for key, value in values["theme"].items() if value != ""}
    config.update(hooks=[], docs_dir=values["docs_dir"], nav=values["nav"], site_name=values["site_name"],
                  extra=values["extra"], extra_css=values["extra_css"],
                  markdown_extensions=values["markdown_extensions"], theme=theme,
                  plugins=[{"search": values["search"]}, "offline"])
    if values["not_in_nav"]:
        config["not_in_nav"] = values["not_in_nav"]
    # (A function, such as the Mermaid fence's formatter, is written as !!python/name:, as in any mkdocs.yml.)
    path.write_text(yaml.dump(config, Dumper=yaml.Dumper, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def child_stages(plan_dir: str) -> None:
    """Seconds of each stage of the hook's on_config, on their own, in a fresh process."""
    start = time.perf_counter()
    from crisisplan import check_plan, render, site, versions
    times = {"import": time.perf_counter() - start}
    start = time.perf_counter()
    plan = site.checked_plan(check_plan(plan_dir))
    times["check"] = time.perf_counter() - start
    start = time.perf_counter()
    changes = versions.changes_since_previous(plan_dir, ROOT, plan)
    times["changes"] = time.perf_counter() - start
    start = time.perf_counter()
    render.render_pages(plan, ROOT / "theme" / "pages", changes_markdown=changes)
    times["render"] = time.perf_counter() - start
    print(json.dumps(times))


# --- builds ----------------------------------------------------------------------------------------

def timed(command: list[str], **kwargs) -> tuple[float, float]:
    """Wall and CPU seconds of a command, its start-up included."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, **kwargs)
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode:
        raise SystemExit(f"{' '.join(command)} failed:\n{result.stderr}")
    return seconds, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def hooked_build(plan_dir: Path, site_dir: Path) -> tuple[float, float]:
    return timed([sys.executable, "-m", "mkdocs", "build", "--quiet", "--config-file", str(ROOT / "mkdocs.yml"),
                  "--site-dir", str(site_dir)], cwd=ROOT, env=dict(os.environ, CRISISPLAN_PLAN=str(plan_dir)))


def bare_build(config_file: Path, site_dir: Path) -> tuple[float, float]:
    return timed([sys.executable, "-m", "mkdocs", "build", "--quiet", "--config-file", str(config_file),
                  "--site-dir", str(site_dir)], cwd=ROOT)


def measure_builds(name: str, plan_dir: Path, work: Path, runs: int) -> dict:
    values = bare_site(plan_dir, work / f"{name}-docs")
    config_file = write_bare_config(values, work / f"{name}-bare-mkdocs.yml")
    hooked, bare = [], []
    for run in range(runs):
        # Each pair in turn starts with the other kind, so that a machine speeding up or
        # slowing down during the run favours neither.
        for kind in (("hooked", "bare") if run % 2 == 0 else ("bare", "hooked")):
            if kind == "hooked":
                hooked.append(hooked_build(plan_dir, work / f"{name}-hooked"))
            else:
                bare.append(bare_build(config_file, work / f"{name}-bare"))
    stages = subprocess.run([sys.executable, __file__, "--child", "stages", str(plan_dir)], check=True,
                            capture_output=True, text=True, cwd=ROOT).stdout
    return {"pages": values["pages"], **figures(hooked, bare), "stages": json.loads(stages),
            "values": values, "config_file": config_file}


def figures(hooked: list[tuple[float, float]], bare: list[tuple[float, float]]) -> dict:
    """Medians of wall and CPU seconds, and the medians of the pairs' ratios."""
    out = {}
    for i, kind in enumerate(("wall", "cpu")):
        out[kind] = {"hooked": statistics.median(h[i] for h in hooked), "bare": statistics.median(b[i] for b in bare),
                     "ratio": statistics.median(h[i] / b[i] for h, b in zip(hooked, bare)),
                     "each": ([round(h[i], 2) for h in hooked], [round(b[i], 2) for b in bare])}
    return out


def cpu_seconds(pid: int) -> float:
    """CPU seconds a running process has used so far, all its threads (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# --- previews --------------------------------------------------------------------------------------

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


def replace_text(path: Path, text: str) -> None:
    """Write `path` whole in one step, so that the server's watcher sees one change, never half a file."""
    scratch = path.with_name(f".{path.name}.edit")
    scratch.write_text(text, encoding="utf-8")
    os.replace(scratch, path)


@contextlib.contextmanager
def server(command: list[str], cwd: Path, env: dict):
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        yield process
    finally:
        process.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=10)
        if process.poll() is None:
            process.kill()
            process.wait()


def measure_previews(name: str, plan_dir: Path, build: dict, work: Path, edits: int) -> dict:
    """Seconds from an edit until `mkdocs serve` serves the changed page: hooked (a plan
    YAML edit) and bare (an edit of the generated Markdown page), alternating."""
    from crisisplan import check_plan

    copy = work / f"{name}-serve"
    copy.mkdir()
    for item in ("mkdocs.yml", "hooks", "theme", "docs", "schema"):
        (shutil.copytree if (ROOT / item).is_dir() else shutil.copy)(ROOT / item, copy / item)
    shutil.copytree(plan_dir, copy / "plan")
    (copy / "node_modules").symlink_to(ROOT / "node_modules")
    about = copy / "plan" / "about.yaml"
    original = about.read_text(encoding="utf-8")
    version = check_plan(copy / "plan").plan.version
    index_md = Path(build["values"]["docs_dir"]) / "index.md"
    index_text = index_md.read_text(encoding="utf-8")

    hooked_port, bare_port = free_port(), free_port()
    hooked_url, bare_url = (f"http://127.0.0.1:{port}/index.html" for port in (hooked_port, bare_port))
    # The same command for both, each with its own config file.
    hooked_cmd = [sys.executable, "-m", "mkdocs", "serve", "--dev-addr", f"127.0.0.1:{hooked_port}",
                  "--config-file", str(copy / "mkdocs.yml")]
    bare_cmd = [sys.executable, "-m", "mkdocs", "serve", "--dev-addr", f"127.0.0.1:{bare_port}",
                "--config-file", str(build["config_file"])]
    times: dict[str, list[tuple[float, float]]] = {"hooked": [], "bare": []}

    def timed_edit(process, path: Path, text: str, url: str, marker: str) -> tuple[float, float]:
        cpu = cpu_seconds(process.pid)
        start = time.monotonic()
        replace_text(path, text)
        seconds = wait_for(url, marker, start + SERVE_TIMEOUT) - start
        time.sleep(0.5)  # let the watcher settle before the next edit
        return seconds, cpu_seconds(process.pid) - cpu

    with server(hooked_cmd, copy, dict(os.environ, CRISISPLAN_PLAN="plan")) as hooked_server, \
            server(bare_cmd, ROOT, dict(os.environ)) as bare_server:
        wait_for(hooked_url, version, time.monotonic() + SERVE_TIMEOUT)
        wait_for(bare_url, "</html>", time.monotonic() + SERVE_TIMEOUT)
        time.sleep(1)
        for n in range(edits):
            for kind in (("hooked", "bare") if n % 2 == 0 else ("bare", "hooked")):  # as in measure_builds
                if kind == "hooked":
                    marker = f"{version}.{n + 1}"
                    times["hooked"].append(timed_edit(
                        hooked_server, about, original.replace(f'version: "{version}"', f'version: "{marker}"', 1),
                        hooked_url, marker))
                else:
                    marker = f"Edited for the benchmark, {n + 1}"
                    times["bare"].append(timed_edit(bare_server, index_md, index_text + f"\n{marker}\n", bare_url,
                                                    marker))
    index_md.write_text(index_text, encoding="utf-8")
    return figures(times["hooked"], times["bare"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="builds of each kind per plan (median reported)")
    parser.add_argument("--edits", type=int, default=3, help="edits of each kind per plan under mkdocs serve")
    parser.add_argument("--contacts", type=int, default=2000)
    parser.add_argument("--playbooks", type=int, default=100)
    parser.add_argument("--trees", type=int, default=50)
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        kind, *rest = args.child
        {"stages": child_stages}[kind](*rest)
        return 0
    from generate import make_large_plan

    rows = []
    with tempfile.TemporaryDirectory(prefix="site-bench-") as tmp:
        work = Path(tmp)
        large = make_large_plan(work / "large-plan", contacts=args.contacts, playbooks=args.playbooks,
                                trees=args.trees)
        cases = [("example", "example plan", ROOT / "plan"),
                 ("large", f"large plan ({args.contacts} contacts, {args.playbooks} playbooks, {args.trees} trees)",
                  large)]
        for name, label, plan_dir in cases:
            build = measure_builds(name, plan_dir, work, args.runs)
            preview = measure_previews(name, plan_dir, build, work, args.edits) if args.edits else None
            rows.append((label, build, preview))

    def line(what: str, f: dict, target: float) -> str:
        wall, cpu = f["wall"], f["cpu"]
        return (f"  {what:8} hooked {wall['hooked']:6.2f} s, bare {wall['bare']:6.2f} s: {wall['ratio']:.2f}x "
                f"(target {target:.2f}x); CPU: hooked {cpu['hooked']:6.2f} s, bare {cpu['bare']:6.2f} s: "
                f"{cpu['ratio']:.2f}x")

    for label, build, preview in rows:
        print(f"{label}, {build['pages']} pages")
        print(line("build:", build, TARGET_BUILD))
        print("           the hook's stages alone, s: "
              + ", ".join(f"{key} {value:.2f}" for key, value in build["stages"].items()))
        if preview:
            print(line("preview:", preview, TARGET_PREVIEW))
    print(f"(medians of {args.runs} builds and {args.edits} edits of each kind; each ratio is the median of "
          "the pairs' ratios; CPU seconds vary less than wall seconds on a busy machine)")
    large = rows[-1][1]["wall"]["ratio"]
    print(f"cold build of the large plan: {large:.2f}x a bare build "
          f"({'within' if large <= TARGET_BUILD else 'OVER'} the {TARGET_BUILD:.1f}x target)")
    for label, _, preview in rows:
        if preview:
            ratio = preview["wall"]["ratio"]
            print(f"preview after an edit, {label}: {ratio:.2f}x a bare preview "
                  f"({'within' if ratio <= TARGET_PREVIEW else 'OVER'} the {TARGET_PREVIEW:.1f}x target)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
