"""The `crisisplan` command: `crisisplan validate [PLAN_DIR]`, and more."""
from __future__ import annotations

import argparse
import datetime as dt
import os
import sys

from .audience import AUDIENCES
from .plan import check_plan
from .i18n import folder_language, reader_language
from .messages import _, ngettext, say
from .problems import ERROR, Problem, format_problems, summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="crisisplan", description=__doc__)
    parser.add_argument("--version", action="version", version=f"crisisplan {package_version()}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    validate = commands.add_parser("validate", help="check a plan folder and report every problem")
    validate.add_argument("plan_dir", nargs="?", metavar="PLAN_DIR",
                          help="the plan folder (default: ./plan)")
    validate.add_argument("--format", choices=("text", "github"), default=None,
                          help="output format (default: github inside GitHub Actions, else text)")
    validate.add_argument("--strict", action="store_true", help="fail on warnings too")
    validate.add_argument("--today", type=dt.date.fromisoformat, metavar="YYYY-MM-DD",
                          help="check dates as if today were this day")
    validate.add_argument("--lang", metavar="TAG",
                          help="the language of the messages, e.g. en or zh-TW (default: the plan's "
                               "plan.language, else the environment's locale, else English)")
    validate.set_defaults(run=run_validate)

    diff = commands.add_parser("diff", help="list what changed between two plans, in words")
    diff.add_argument("old", metavar="OLD", help="the earlier plan: a plan folder or a git revision (main, HEAD~1, plan-v2026.1)")
    diff.add_argument("new", metavar="NEW", nargs="?", default="plan",
                      help="the later plan: a plan folder or a git revision (default: ./plan)")
    diff.add_argument("--format", choices=("text", "markdown"), default="text", help="output format")
    diff.add_argument("--plan-path", default="plan", metavar="PATH",
                      help="where the plan lives inside the repository, for revisions (default: plan)")
    diff.add_argument("--audience", choices=AUDIENCES, default="internal",
                      help="compare only what this audience may read (default: internal, everything)")
    diff.add_argument("--lang", metavar="TAG",
                      help="the language of the change list, e.g. en or zh-TW (default: the new plan's plan.language)")
    diff.set_defaults(run=run_diff)

    publish = commands.add_parser("publish", help="publish the plan's version into the local gh-pages branch with mike")
    publish.add_argument("plan_dir", nargs="?", default="plan", metavar="PLAN_DIR", help="the plan folder (default: ./plan)")
    publish.add_argument("--force", action="store_true",
                         help="replace an already published version even though its content differs")
    publish.add_argument("--check", action="store_true",
                         help="only check that the version may be published, and print it")
    publish.add_argument("--audience", choices=AUDIENCES, default="internal",
                         help="who may read the published handbook: internal (default), partner or public")
    publish.set_defaults(run=run_publish)

    build = commands.add_parser(
        "build", help="build the handbook into a folder, swapping it in whole only when the build succeeded")
    build.add_argument("plan_dir", nargs="?", metavar="PLAN_DIR",
                       help="the plan folder (default: the one mkdocs.yml names, or $CRISISPLAN_PLAN)")
    build.add_argument("--site-dir", default="site", metavar="DIR", help="where the handbook goes (default: site)")
    build.add_argument("--config-file", default="mkdocs.yml", metavar="FILE",
                       help="the MkDocs configuration (default: mkdocs.yml)")
    build.add_argument("--audience", choices=AUDIENCES, default=None,
                       help="who the handbook is for: internal, partner or public; what the audience may not "
                            "read is left out (default: $CRISISPLAN_AUDIENCE, else mkdocs.yml's, else internal)")
    build.set_defaults(run=run_build)

    guard = commands.add_parser(
        "pages-guard", help="refuse to publish an internal or partner handbook to a public GitHub Pages site")
    guard.add_argument("--repo", required=True, metavar="OWNER/NAME",
                       help="the repository whose Pages site receives the handbook")
    guard.add_argument("--audience", choices=AUDIENCES, default="internal",
                       help="the audience of the handbook to publish (default: internal)")
    guard.set_defaults(run=run_pages_guard)

    bump = commands.add_parser("check-version-bump",
                               help="fail when the plan differs from BASE but its version was not raised")
    bump.add_argument("base", metavar="BASE", help="the git revision to compare with, e.g. origin/main")
    bump.add_argument("plan_dir", nargs="?", default="plan", metavar="PLAN_DIR", help="the plan folder (default: ./plan)")
    bump.set_defaults(run=run_check_version_bump)

    editor = commands.add_parser(
        "schema", help="write the schemas as JSON Schema, for completion and hover help in editors such as VS Code")
    editor.add_argument("--json", required=True, metavar="DIR", dest="json_dir",
                        help="the folder to write one <name>.schema.json per plan file into, e.g. schema/json")
    editor.add_argument("--plan-dir", default="plan", metavar="PLAN_DIR",
                        help="the plan folder the editor settings point at (default: plan)")
    editor.add_argument("--lang", metavar="TAG",
                        help="the language of the help shown in the editor (default: the plan's plan.language)")
    editor.add_argument("--vscode-settings", metavar="FILE",
                        help="add the yaml.schemas mapping to this VS Code settings file (e.g. .vscode/settings.json) "
                             "instead of printing it")
    editor.set_defaults(run=run_schema)

    new = commands.add_parser(
        "new", help="create a plan repository (example plan, mkdocs.yml, workflows) that builds its handbook at once")
    new.add_argument("target", metavar="DIR", help="the folder to create; it must not exist or be empty")
    new.add_argument("--organisation", metavar="NAME", help="the organisation's name, put into plan/about.yaml")
    new.add_argument("--language", default="en", metavar="TAG",
                     help="the plan's and the handbook's language tag (default: en)")
    new.set_defaults(run=run_new)

    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # a bug in crisisplan, never in the plan: say so in one line
        if os.environ.get("CRISISPLAN_DEBUG"):
            raise
        print(f"crisisplan: internal error ({type(exc).__name__}: {exc}); "
              "this is a bug in crisisplan, not in your plan. Run again with CRISISPLAN_DEBUG=1 "
              "for the details and report them.", file=sys.stderr)
        return 2


def _in_github_actions() -> bool:
    return os.environ.get("GITHUB_ACTIONS") == "true"


def run_validate(args) -> int:
    fmt = args.format or ("github" if _in_github_actions() else "text")
    plan_dir = args.plan_dir or "plan"
    report = check_plan(plan_dir, today=args.today)
    words = reader_language(report.plan, args.lang)
    sys.stdout.write(format_problems(report.problems, fmt, words))
    failed = bool(report.errors) or (args.strict and bool(report.warnings))
    checked = _("Checked %(folder)s: %(summary)s").format(folder=os.path.join(plan_dir, ""),
                                                      summary=summary(report.problems, words))
    print(checked.say(words), file=sys.stderr)
    return 1 if failed else 0


def package_version() -> str:
    """The installed crisisplan's version (semantic versioning; see CHANGELOG.md)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("crisisplan")
    except PackageNotFoundError:
        return "unknown (not installed)"


def run_diff(args) -> int:
    from .audience import redact
    from .diff import diff_plans, format_markdown, format_text
    from .versions import GitError, plan_source

    try:
        with plan_source(args.old, plan_path=args.plan_path) as old_dir, \
                plan_source(args.new, plan_path=args.plan_path) as new_dir:
            old, new = check_plan(old_dir), check_plan(new_dir)
            words = reader_language(new.plan, args.lang)
            notes = [_diff_note(label, report, words) for label, report in (("old", old), ("new", new))]
            if old.plan is None or new.plan is None:
                print("\n".join(filter(None, notes)), file=sys.stderr)
                return 2
            result = diff_plans(redact(old.plan, args.audience), redact(new.plan, args.audience))
    except GitError as exc:
        print(f"crisisplan diff: {exc}", file=sys.stderr)
        return 2
    result.notes = [n for n in notes if n]
    chosen = words if args.lang else None  # None: the new plan's language
    sys.stdout.write(format_markdown(result, chosen) if args.format == "markdown" else format_text(result, chosen))
    return 0


def _diff_note(label: str, report, words) -> str:
    """Why one side of a diff is missing or incomplete, in `words`' language ("" when it is whole)."""
    if report.plan is None:
        unreadable = _("the old plan cannot be read: %(problems)s") if label == "old" else \
            _("the new plan cannot be read: %(problems)s")
        return unreadable.format(problems="; ".join(say(p.message, words) for p in report.errors)).say(words)
    if not report.errors:
        return ""
    count = len(report.errors)
    if label == "old":
        note = ngettext("the old plan has %(count)s error (see crisisplan validate); the changes below are what "
                        "could be read.", "the old plan has %(count)s errors (see crisisplan validate); the changes "
                        "below are what could be read.", count)
    else:
        note = ngettext("the new plan has %(count)s error (see crisisplan validate); the changes below are what "
                        "could be read.", "the new plan has %(count)s errors (see crisisplan validate); the changes "
                        "below are what could be read.", count)
    return note.format(count=count).say(words)


def run_publish(args) -> int:
    from .publish import main_publish

    return main_publish(args.plan_dir, args.force, args.check, args.audience)


def run_build(args) -> int:
    from .build import BuildError, build
    from .site import configured_plan_dir

    words = folder_language(args.plan_dir or configured_plan_dir(args.config_file))

    def tell(message) -> None:
        print(f"crisisplan build: {say(message, words)}", file=sys.stderr, flush=True)

    try:
        build(args.site_dir, args.plan_dir, args.config_file, tell, args.audience)
    except BuildError as exc:
        tell(exc.say(words))
        return 1
    print(_("Handbook built into %(folder)s (open %(index)s)").format(
        folder=os.path.join(args.site_dir, ""), index=os.path.join(args.site_dir, "index.html")).say(words),
        file=sys.stderr)
    return 0


def run_pages_guard(args) -> int:
    from .pages_guard import main_pages_guard

    return main_pages_guard(args.repo, args.audience)


def run_check_version_bump(args) -> int:
    from .versions import GitError, version_bump_problem

    try:
        problem = version_bump_problem(args.base, args.plan_dir)
    except GitError as exc:
        print(f"crisisplan check-version-bump: {exc}", file=sys.stderr)
        return 2
    words = folder_language(args.plan_dir)
    if problem:
        if _in_github_actions():
            print(Problem(os.path.join(args.plan_dir, "about.yaml"), 1, 1, ERROR, "version-not-raised",
                          problem).github(words))
        else:
            print(problem.say(words))
        return 1
    print(_("The plan's version is fine compared with %(base)s.").format(base=args.base).say(words))
    return 0


def run_schema(args) -> int:
    import json
    from pathlib import Path

    from .editor_schema import SUFFIX, EditorSchemaError, vscode_settings, write_json_schemas

    plan_dir = Path(args.plan_dir)
    words = reader_language(check_plan(plan_dir).plan if plan_dir.is_dir() else None, args.lang)
    try:
        written = write_json_schemas(Path(args.json_dir), language=words)
    except EditorSchemaError as exc:
        sys.stdout.write(format_problems(exc.problems, "text"))
        print("crisisplan schema: nothing written, as the schemas have problems", file=sys.stderr)
        return 1
    for path in written:
        print(f"wrote {path}", file=sys.stderr)
    settings_file = Path(args.vscode_settings) if args.vscode_settings else None
    # yaml.schemas paths are relative to the workspace: the folder holding .vscode/, else this one.
    root = Path.cwd()
    if settings_file and settings_file.resolve().parent.name == ".vscode":
        root = settings_file.resolve().parent.parent

    def relative(folder: str) -> str:
        return os.path.relpath(Path(folder).resolve(), root).replace(os.sep, "/")

    names = [path.name[: -len(SUFFIX)] for path in written]
    settings = vscode_settings(relative(args.json_dir), relative(args.plan_dir), names)
    if settings_file is None:
        print(json.dumps(settings, indent=2))
        return 0
    try:
        current = json.loads(settings_file.read_text(encoding="utf-8")) if settings_file.exists() else {}
    except (ValueError, OSError) as exc:
        print(f"crisisplan schema: {settings_file} cannot be read as plain JSON ({exc}); "
              f"add this to it by hand:\n{json.dumps(settings, indent=2)}", file=sys.stderr)
        return 1
    if not isinstance(current, dict):
        print(f"crisisplan schema: {settings_file} does not hold a JSON object", file=sys.stderr)
        return 1
    current["yaml.schemas"] = {**(current.get("yaml.schemas") or {}), **settings["yaml.schemas"]}
    settings_file.parent.mkdir(parents=True, exist_ok=True)
    settings_file.write_text(json.dumps(current, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"Mapped {len(written)} plan files to their schemas in {settings_file}")
    return 0


def run_new(args) -> int:
    from .scaffold import ScaffoldError, new_repository

    words = reader_language(None, args.language)  # the new plan's language; English for a tag it cannot read
    try:
        new_repository(args.target, args.organisation, args.language)
    except ScaffoldError as exc:
        print(f"crisisplan new: {say(exc.args[0], words)}", file=sys.stderr)
        return 1
    print(_("Created a plan repository in %(folder)s. Its plan/ is an example to replace with your own;\n"
            "next: cd %(target)s, crisisplan validate, crisisplan build (see its README.md).").format(
        folder=os.path.join(args.target, ""), target=args.target).say(words))
    return 0


if __name__ == "__main__":
    sys.exit(main())

