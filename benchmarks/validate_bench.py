"""Validation speed: prints wall times and their ratios, all measured in one run.

    .venv/bin/python benchmarks/validate_bench.py [--repeat 3]

Baseline: the bundled example plan.  Then the large generated plan (2,000
contacts, 100 playbooks, 50 trees) at four sizes, to show that time grows
linearly with size, and the full-size plan with 250 to 1,000 planted errors,
to show that time grows linearly with the number of errors.
Targets: the large valid plan in under 2 s; per-unit time flat across sizes
and error counts (ratios close to 1).  These time `check_plan` in this
process, the schemas loaded once beforehand.  Last, the whole command as a
user runs it: `crisisplan validate` of the large plan in a new process
(start-up and imports included), against the same command on the example
plan, alternating, median of the runs.  crisisplan keeps nothing between
runs, so every run is cold.
"""
from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import EXAMPLE, make_large_plan  # noqa: E402

from crisisplan import check_plan  # noqa: E402
from crisisplan.schema import load_schemas  # noqa: E402


def best_of(repeat: int, plan: Path) -> tuple[float, int]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        report = check_plan(plan)
        times.append(time.perf_counter() - start)
    return min(times), len(report.errors)


def command_seconds(plan: Path) -> tuple[float, float]:
    """Wall and CPU seconds of `crisisplan validate PLAN` as a whole new process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "crisisplan", "validate", str(plan)], stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure; the best is kept")
    args = parser.parse_args()
    load_schemas()  # loaded once per process in real use too
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        base, _ = best_of(args.repeat, EXAMPLE)
        rows.append(("example plan", 1.0, 0, base, None))
        for fraction in (0.25, 0.5, 0.75, 1.0):
            plan = make_large_plan(tmp / f"size-{fraction}", contacts=int(2000 * fraction),
                                   playbooks=int(100 * fraction), trees=int(50 * fraction))
            seconds, errors = best_of(args.repeat, plan)
            rows.append((f"large plan x{fraction:g}", fraction, errors, seconds, seconds / fraction))
        for count in (250, 500, 1000):
            plan = make_large_plan(tmp / f"errors-{count}", errors=count)
            seconds, errors = best_of(args.repeat, plan)
            rows.append((f"large plan, {count} planted errors", 1.0, errors, seconds, None))
        large, example = [], []
        for _ in range(args.repeat):
            large.append(command_seconds(tmp / "size-1.0"))
            example.append(command_seconds(EXAMPLE))

    full = next(r[3] for r in rows if r[0] == "large plan x1")
    print(f"{'plan':34} {'errors':>7} {'seconds':>8} {'x example':>10} {'s per full size':>16}")
    for name, _fraction, errors, seconds, per_unit in rows:
        per = f"{per_unit:.3f}" if per_unit is not None else ""
        print(f"{name:34} {errors:7d} {seconds:8.3f} {seconds / base:10.1f} {per:>16}")
    per_size = [r[4] for r in rows if r[4] is not None]
    error_rows = [r for r in rows if "planted" in r[0]]
    print()
    print(f"large valid plan: check_plan {full:.3f} s (target < 2 s: {'met' if full < 2 else 'NOT met'})")
    for i, kind in enumerate(("wall", "CPU")):
        command = statistics.median(run[i] for run in large)
        ratio = statistics.median(a[i] / b[i] for a, b in zip(large, example))
        print(f"`crisisplan validate` of the large plan, whole process, {kind}: {command:.2f} s "
              f"(target < 2 s: {'met' if command < 2 else 'NOT met'}), {ratio:.2f}x the same command on the "
              f"example plan ({statistics.median(run[i] for run in example):.2f} s); median of {args.repeat}")
    print(f"growth with size: time per full size ranges {min(per_size):.3f}-{max(per_size):.3f} s "
          f"(ratio {max(per_size) / min(per_size):.2f}; 1.00 = perfectly linear)")
    extra = [(r[3] - full) / r[2] * 1000 for r in error_rows if r[2]]
    print(f"growth with errors: extra time per error {min(extra):.2f}-{max(extra):.2f} ms "
          f"(ratio {max(extra) / min(extra):.2f}; 1.00 = perfectly linear)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
