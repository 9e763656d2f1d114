"""Publishing a plan version into the versioned handbook with mike.

    crisisplan publish           # check, `mike deploy --update-aliases <version> latest`
                                 # into the local gh-pages branch, tag the source plan-v<version>
    crisisplan publish --check   # only the checks; prints the version (CI then deploys and pushes)
    crisisplan publish --audience partner   # the handbook as partners may read it (default: internal)

The checks are the guard rails: the plan must be valid (warnings, such as
an overdue review, are shown but do not hold back an urgent correction), committed, and a version that is already
published may only be published again with the same content (or with
--force).  The published content is the plan folder at the tag
`plan-v<version>`; its fingerprint is compared with the plan being
published.  Nothing is pushed: that is CI's job.

Each publishing target holds one audience's handbook (see audience.py): the
site is built with $CRISISPLAN_AUDIENCE set, so mike's build redacts what
that audience may not read. Before CI pushes an internal or partner handbook
to GitHub Pages, `crisisplan pages-guard` checks that the site is not public.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from .audience import ENV as AUDIENCE_ENV
from .audience import INTERNAL, check
from .plan import check_plan
from .i18n import reader_language
from .problems import format_problems, summary
from .versions import (GitError, git, is_revision, plan_at, plan_hash, published_versions, repo_root,
                       suggest_next, tag_name)

LATEST = "latest"


class Refused(Exception):
    """Publishing was refused; the message says why and what to do."""


def check_publishable(plan_dir: str | os.PathLike, repo: str | os.PathLike, force: bool = False) -> str:
    """The version to publish, or `Refused` with the reason."""
    plan_dir, repo = Path(plan_dir), Path(repo)
    report = check_plan(plan_dir)
    words = reader_language(report.plan)
    if report.errors:
        raise Refused(format_problems(report.problems, "text", words) +
                      f"{summary(report.problems, words)}\nThe plan is not published while it has errors: "
                      f"fix them (crisisplan validate {plan_dir}) and try again.")
    if report.warnings:
        print(format_problems(report.warnings, "text", words) + "Publishing all the same: warnings do not hold back a "
              "version, but deal with them soon.", file=sys.stderr)
    version = report.plan.version
    plan_path = os.path.relpath(plan_dir.resolve(), repo.resolve())
    if git("status", "--porcelain", "--", plan_path, repo=repo).strip():
        raise Refused(f"{plan_path}/ has changes that are not committed: commit them first, so that the "
                      f"published version {version} can always be traced to its source.")
    tag = tag_name(version)
    if is_revision(tag, repo):
        with plan_at(tag, repo, plan_path) as published:
            same = plan_hash(published) == plan_hash(plan_dir)
        if not same and not force:
            raise Refused(f"Version {version} is already published with different content (see the tag {tag}). "
                          f"Raise plan.version in {plan_path}/about.yaml (for example to {suggest_next(version)}), "
                          f"or publish with --force to replace what staff see as version {version}.")
    elif version in published_versions(repo) and not force:
        raise Refused(f"Version {version} is already published, but there is no tag {tag} recording its content, "
                      f"so it cannot be compared. Raise plan.version, fetch the tags (git fetch --tags), "
                      f"or publish with --force to replace it.")
    return version


def publish(plan_dir: str | os.PathLike, repo: str | os.PathLike, force: bool = False,
            audience: str = INTERNAL) -> str:
    """Check, deploy the handbook for `audience` with mike into the local gh-pages branch, and tag the source."""
    repo = Path(repo)
    audience = check(audience)
    version = check_publishable(plan_dir, repo, force)
    mike = _mike()
    print(f"Publishing plan version {version} for the {audience} audience into the local gh-pages branch...",
          file=sys.stderr)
    env = {AUDIENCE_ENV: audience}
    _run([mike, "deploy", "--update-aliases", version, LATEST,
          "--message", f"Publish plan version {version} (audience: {audience})"], repo, env)
    _run([mike, "set-default", LATEST, "--message", f"Show the latest plan version ({version}) by default"], repo, env)
    git("tag", "--force", "--annotate", tag_name(version), "--message", f"Plan version {version}", repo=repo)
    return version


def _mike() -> str:
    beside = Path(sys.executable).with_name("mike")
    if beside.exists():
        return str(beside)
    found = shutil.which("mike")
    if not found:
        raise Refused("mike is not installed: run `make setup` (it installs the site tools into .venv)")
    return found


def _run(command: list[str], repo: Path, env: dict | None = None) -> None:
    # mike runs `mkdocs`, which sits beside it (in .venv/bin) even when that is not on PATH.
    path = os.pathsep.join([str(Path(command[0]).parent), os.environ.get("PATH", "")])
    done = subprocess.run(command, cwd=repo, capture_output=True, text=True,
                          env=dict(os.environ, PATH=path, **(env or {})))
    if done.returncode != 0:
        raise Refused(f"{' '.join(command[:2])} failed:\n{(done.stderr or done.stdout).strip()}")


def main_publish(plan_dir: str, force: bool, check_only: bool, audience: str = INTERNAL) -> int:
    repo = repo_root(plan_dir)
    if repo is None:
        print(f"{plan_dir} is not inside a git repository: publishing needs one", file=sys.stderr)
        return 1
    try:
        if check_only:
            version = check_publishable(plan_dir, repo, force)
            print(version)
            print(f"Version {version} may be published.", file=sys.stderr)
            return 0
        version = publish(plan_dir, repo, force, audience)
    except (Refused, GitError, ValueError) as exc:
        print(exc, file=sys.stderr)
        return 1
    print(f"Published plan version {version} for the {audience} audience into the local gh-pages branch "
          f"as '{version}' and '{LATEST}', "
          f"and tagged the source {tag_name(version)}. Nothing was pushed: CI publishes for everyone when the "
          f"change is merged (or run: git push origin gh-pages {tag_name(version)}).")
    return 0
