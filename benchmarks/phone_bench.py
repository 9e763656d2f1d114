"""The handbook on a slow phone: bytes and load time of each kind of page.

Builds the example plan and a large generated plan (benchmarks/generate.py,
2,000 contacts), serves each site with `python3 -m http.server`, and opens
pages in Debian's chromium (Playwright, `executable_path`) at 390x844 with
Lighthouse's slow-4G profile (562.5 ms round trip, 1.47 Mbit/s down,
675 kbit/s up) and 4x CPU throttling, cache off, one fresh browser context
per page. For each page it prints the bytes transferred (everything the page
fetches by itself, until the network is quiet) and the time to its load event, as a ratio to the home page of the same site
measured in the same run (the median of --runs loads each).

With Lighthouse installed (npm, `lighthouse` in package.json) it also runs
Lighthouse's mobile accessibility and performance audits of the home page, a
tree and a playbook of the example (CHROME_PATH=/usr/bin/chromium), three
times each by default: its performance score moves by a few points between
runs with the machine's other work, so it prints every score, their median,
and the median of the figures behind them.

    python benchmarks/phone_bench.py [--runs 3] [--all] [--no-lighthouse] [--lighthouse-runs 3]
                                     [--no-large] [--keep DIR]
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import make_large_plan  # noqa: E402

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
PHONE = {"width": 390, "height": 844}
# Lighthouse's mobile "slow 4G" (its simulated throttling, applied here by devtools).
SLOW_4G = {"offline": False, "latency": 562.5,
           "downloadThroughput": 1.4746 * 1024 * 1024 / 8, "uploadThroughput": 675 * 1024 / 8}
CPU_SLOWDOWN = 4
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"


def page_kinds(site: Path) -> dict[str, str]:
    """One page of each kind: name -> path inside the site."""
    def first(pattern: str) -> str | None:
        found = sorted(site.glob(pattern))
        return found[0].relative_to(site).as_posix() if found else None

    kinds = {
        "home": "index.html",
        "tree": "trees/is-this-a-crisis.html" if (site / "trees/is-this-a-crisis.html").exists()
        else first("trees/*.html"),
        "playbook": first("playbooks/*.html"),
        "contacts": "contacts.html",
        "contacts part": first("contacts/people-*.html"),  # a large plan's pages of contacts
        "escalation": "escalation.html",
        "roles": "roles.html",
        "reference": "reference.html",
    }
    return {name: path for name, path in kinds.items() if path and (site / path).exists()}


def build(plan_dir: Path, site_dir: Path) -> None:
    env = dict(os.environ, CRISISPLAN_PLAN=str(plan_dir), NO_MKDOCS_2_WARNING="1")
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(ROOT / "mkdocs.yml"),
                             "-d", str(site_dir)], cwd=ROOT, env=env, capture_output=True, text=True)
    if result.returncode:
        raise SystemExit(f"building {plan_dir} failed:\n{result.stdout}{result.stderr}")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Served:
    """`python3 -m http.server` in `site`, for the length of a with block."""

    def __init__(self, site: Path):
        self.site, self.port = site, free_port()

    def __enter__(self) -> str:
        self.process = subprocess.Popen([sys.executable, "-m", "http.server", str(self.port), "--bind", "127.0.0.1"],
                                        cwd=self.site, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        url = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return url
            except OSError:
                time.sleep(0.1)
        raise SystemExit("http.server did not start")

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.wait(timeout=10)


def load_once(browser, url: str) -> dict:
    """One load of `url` under the phone profile: the bytes it fetches by itself, and its load event's time."""
    context = browser.new_context(viewport=PHONE, device_scale_factor=3, is_mobile=True, has_touch=True)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    cdp.send("Network.emulateNetworkConditions", SLOW_4G)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
    received: dict[str, float] = {}
    urls: dict[str, str] = {}
    cdp.on("Network.requestWillBeSent", lambda event: urls.__setitem__(event["requestId"], event["request"]["url"]))
    cdp.on("Network.loadingFinished",
           lambda event: received.__setitem__(event["requestId"], event["encodedDataLength"]))
    page.goto(url, wait_until="load", timeout=180_000)
    # What the page goes on to fetch by itself after the load event (such as a
    # search index) counts too: wait until the network has been quiet for 0.5 s.
    try:
        page.wait_for_load_state("networkidle", timeout=120_000)
    except Exception:  # still busy after two minutes: count what arrived
        pass
    timing = page.evaluate("""() => {
        const nav = performance.getEntriesByType('navigation')[0];
        const paint = performance.getEntriesByName('first-contentful-paint')[0];
        return {load: nav.loadEventStart, dcl: nav.domContentLoadedEventEnd, fcp: paint ? paint.startTime : null};
    }""")
    loaded = sum(received.values())
    requested = sorted(set(urls.values()))
    context.close()
    return {"bytes": loaded, "load": timing["load"] / 1000, "fcp": (timing["fcp"] or 0) / 1000,
            "requests": requested}


def measure_site(browser, name: str, site: Path, runs: int, every_page: bool) -> list[dict]:
    kinds = page_kinds(site)
    if every_page:
        kinds.update({p.relative_to(site).as_posix(): p.relative_to(site).as_posix()
                      for p in sorted(site.rglob("*.html")) if p.relative_to(site).as_posix() not in kinds.values()})
    rows = []
    with Served(site) as url:
        for kind, path in kinds.items():
            loads = [load_once(browser, f"{url}/{path}") for _ in range(runs)]
            rows.append({"plan": name, "kind": kind, "path": path,
                         "bytes": statistics.median(one["bytes"] for one in loads),
                         "load": statistics.median(one["load"] for one in loads),
                         "fcp": statistics.median(one["fcp"] for one in loads),
                         "html": (site / path).stat().st_size,
                         "requests": len(loads[0]["requests"])})
    home = next(row for row in rows if row["kind"] == "home")
    for row in rows:
        row["bytes_ratio"] = row["bytes"] / home["bytes"]
        row["load_ratio"] = row["load"] / home["load"]
    return rows


# Lighthouse's figures behind the performance score, shown with it.
LIGHTHOUSE_METRICS = {"first-contentful-paint": "first paint", "largest-contentful-paint": "largest paint",
                      "total-blocking-time": "blocking", "speed-index": "speed index"}


def lighthouse(site: Path, paths: dict[str, str], runs: int = 3) -> dict[str, dict] | str:
    """Lighthouse's mobile scores of each page, `runs` times (its performance score moves
    by a few points from one run to the next with the machine's other work), or why it
    could not run."""
    if not LIGHTHOUSE.exists():
        return "Lighthouse is not installed (npm ci installs it from package.json)"
    scores = {}
    env = dict(os.environ, CHROME_PATH=CHROMIUM)
    flags = " ".join(["--headless=new", *CHROMIUM_ARGS])
    with Served(site) as url, tempfile.TemporaryDirectory() as out:
        for kind, path in paths.items():
            reports = []
            for run in range(runs):
                report = Path(out) / f"{kind}-{run}.json"
                result = subprocess.run(
                    [str(LIGHTHOUSE), f"{url}/{path}", "--quiet", "--output=json", f"--output-path={report}",
                     "--only-categories=performance,accessibility", f"--chrome-flags={flags}",
                     "--max-wait-for-load=120000"],
                    env=env, capture_output=True, text=True, timeout=300)
                if result.returncode or not report.exists():
                    return f"Lighthouse failed on {path}: {(result.stderr or result.stdout).strip()[-400:]}"
                reports.append(json.loads(report.read_text(encoding="utf-8")))
            scores[kind] = {
                name: sorted(round(data["categories"][name]["score"] * 100) for data in reports)
                for name in ("performance", "accessibility")}
            scores[kind]["metrics"] = {
                label: statistics.median(data["audits"][audit]["numericValue"] for data in reports)
                for audit, label in LIGHTHOUSE_METRICS.items()}
            categories = reports[0]["categories"]
            scores[kind]["failing"] = sorted({
                audit_id for data in reports for audit_id, audit in data["audits"].items()
                if audit.get("score") is not None and audit["score"] < 1
                and audit_id in {ref["id"] for ref in categories["accessibility"]["auditRefs"]}})
    return scores


def print_table(rows: list[dict]) -> None:
    print("| plan | page | HTML | transferred | × home | load event | × home | first paint |")
    print("|---|---|---|---|---|---|---|---|")
    for row in rows:
        print(f"| {row['plan']} | {row['kind']} | {row['html'] / 1024:,.0f} KB | {row['bytes'] / 1024:,.0f} KB "
              f"| {row['bytes_ratio']:.2f} | {row['load']:.1f} s | {row['load_ratio']:.2f} | {row['fcp']:.1f} s |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="loads of each page (median reported)")
    parser.add_argument("--all", action="store_true", help="every page of the example, not one of each kind")
    parser.add_argument("--no-lighthouse", action="store_true")
    parser.add_argument("--lighthouse-runs", type=int, default=3, help="Lighthouse runs of each page")
    parser.add_argument("--no-large", action="store_true", help="the example plan only")
    parser.add_argument("--contacts", type=int, default=2000)
    parser.add_argument("--keep", type=Path, help="build the sites into this folder and keep them")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)

    from playwright.sync_api import sync_playwright

    work = args.keep or Path(tempfile.mkdtemp(prefix="phone-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    sites = {"example": (ROOT / "plan", work / "example")}
    if not args.no_large:
        sites["large"] = (make_large_plan(work / "large-plan", contacts=args.contacts), work / "large")
    try:
        for name, (plan_dir, site_dir) in sites.items():
            started = time.monotonic()
            build(plan_dir, site_dir)
            print(f"built {name} in {time.monotonic() - started:.1f} s", file=sys.stderr)
        rows = []
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for name, (_, site_dir) in sites.items():
                rows += measure_site(browser, name, site_dir, args.runs, args.all and name == "example")
            browser.close()
        print_table(rows)
        large_home = next((r for r in rows if r["plan"] == "large" and r["kind"] == "home"), None)
        example_home = next(r for r in rows if r["plan"] == "example" and r["kind"] == "home")
        if large_home:
            print(f"\nlarge plan's home page transfers {large_home['bytes'] / example_home['bytes']:.2f}x "
                  f"the example's (target: at most 1.2x)")
        results = {"pages": rows}
        if not args.no_lighthouse:
            site_dir = sites["example"][1]
            kinds = page_kinds(site_dir)
            scores = lighthouse(site_dir, {k: kinds[k] for k in ("home", "tree", "playbook") if k in kinds},
                                args.lighthouse_runs)
            results["lighthouse"] = scores
            print(f"\nLighthouse (mobile: simulated slow 4G, 4x CPU), {args.lighthouse_runs} runs of each page:")
            if isinstance(scores, str):
                print(f"  could not run: {scores}")
            else:
                for kind, score in scores.items():
                    failing = f" (failing: {', '.join(score['failing'])})" if score["failing"] else ""
                    each = lambda values: ", ".join(map(str, values))  # noqa: E731
                    metrics = ", ".join(f"{label} {value:,.0f} ms" for label, value in score["metrics"].items())
                    print(f"  {kind}: performance {statistics.median(score['performance']):.0f} "
                          f"({each(score['performance'])}), accessibility {each(score['accessibility'])}{failing}; "
                          f"medians: {metrics}")
        if args.json:
            args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
