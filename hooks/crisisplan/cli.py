"""The `crisisplan` command: `crisisplan validate [PLAN_DIR]`, and more."""
from __future__ import annotations

import argparse
import datetime as dt
import os
import sys

from .plan import check_plan
from .problems import format_problems, summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="crisisplan", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    validate = commands.add_parser("validate", help="check a plan folder and report every problem")
    validate.add_argument("plan_dir", nargs="?", metavar="PLAN_DIR",
                          help="the plan folder (default: ./plan, else the bundled example plan)")
    validate.add_argument("--format", choices=("text", "github"), default=None,
                          help="output format (default: github inside GitHub Actions, else text)")
    validate.add_argument("--strict", action="store_true", help="fail on warnings too")
    validate.add_argument("--today", type=dt.date.fromisoformat, metavar="YYYY-MM-DD",
                          help="check dates as if today were this day")
    validate.set_defaults(run=run_validate)

    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except KeyboardInterrupt:
        return 130


def run_validate(args) -> int:
    fmt = args.format or ("github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text")
    report = check_plan(args.plan_dir, today=args.today)
    sys.stdout.write(format_problems(report.problems, fmt))
    failed = bool(report.errors) or (args.strict and bool(report.warnings))
    print(summary(report.problems), file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
