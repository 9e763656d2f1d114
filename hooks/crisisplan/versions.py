"""Plan versions in git: a plan at any revision, the published versions, and what changed since the last one.

Publishing (see publish.py) records each version twice: mike writes the
site into the `gh-pages` branch with a `versions.json` listing every
version, and the source commit gets the tag `plan-v<version>`.  This module
reads both back:

    with plan_at("main", repo) as folder: ...       # a plan folder at a git revision
    changes_since_previous("plan", repo)            # Markdown for the handbook's changes page
    version_bump_problem("origin/main", "plan")     # a pull request that forgot to raise the version
"""
from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import re
import subprocess
import tarfile
import tempfile
from pathlib import Path
from typing import Iterator

from . import i18n
from .audience import redact
from .diff import diff_plans, format_markdown
from .i18n import N_
from .messages import Message, _
from .plan import Plan, check_plan

PAGES_BRANCH = "gh-pages"
TAG_PREFIX = "plan-v"
FIRST_VERSION = N_("This is the first published version of the plan: there is no earlier version "
                   "to compare it with.")


class GitError(RuntimeError):
    """A git command failed; the message says which and why."""


def git(*args: str, repo: str | os.PathLike | None = None, check: bool = True) -> str:
    try:
        done = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True)
    except FileNotFoundError as exc:
        raise GitError("git is not installed") from exc
    if check and done.returncode != 0:
        raise GitError(f"git {' '.join(args)}: {done.stderr.strip() or 'failed'}")
    return done.stdout if done.returncode == 0 else ""


def git_bytes(*args: str, repo: str | os.PathLike | None = None) -> bytes:
    done = subprocess.run(["git", *args], cwd=repo, capture_output=True)
    if done.returncode != 0:
        raise GitError(f"git {' '.join(args)}: {done.stderr.decode(errors='replace').strip() or 'failed'}")
    return done.stdout


def repo_root(start: str | os.PathLike | None = None) -> Path | None:
    """The top of the git work tree holding `start`, or None outside git."""
    try:
        top = git("rev-parse", "--show-toplevel", repo=start or ".", check=False).strip()
    except GitError:
        return None
    return Path(top) if top else None


def is_revision(name: str, repo: str | os.PathLike | None = None) -> bool:
    try:
        return bool(git("rev-parse", "--verify", "--quiet", f"{name}^{{commit}}", repo=repo, check=False).strip())
    except GitError:
        return False


def has_path(revision: str, path: str, repo: str | os.PathLike | None = None) -> bool:
    return bool(git("ls-tree", "-d", "--name-only", revision, "--", path.rstrip("/"), repo=repo,
                    check=False).strip())


@contextlib.contextmanager
def plan_at(revision: str, repo: str | os.PathLike | None = None, plan_path: str = "plan") -> Iterator[Path]:
    """The plan folder as it was at `revision`, extracted into a temporary folder."""
    plan_path = plan_path.strip("/") or "."
    if not has_path(revision, plan_path, repo):
        raise GitError(f"the revision {revision} has no folder {plan_path}/")
    archive = git_bytes("archive", "--format=tar", revision, "--", plan_path, repo=repo)
    with tempfile.TemporaryDirectory(prefix="crisisplan-") as tmp:
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(tmp, filter="data")
        yield Path(tmp) / plan_path


@contextlib.contextmanager
def plan_source(spec: str, repo: str | os.PathLike | None = None, plan_path: str = "plan") -> Iterator[Path]:
    """A plan folder given as a folder, or as a git revision ("main", "v2026.1", "HEAD~1")."""
    if Path(spec).is_dir():
        yield Path(spec)
        return
    if not is_revision(spec, repo):
        raise GitError(f"'{spec}' is neither a plan folder nor a git revision")
    with plan_at(spec, repo, plan_path) as folder:
        yield folder


def plan_hash(plan_dir: str | os.PathLike) -> str:
    """A fingerprint of the plan's content: every file's path and bytes."""
    root = Path(plan_dir)
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def plan_version(plan_dir: str | os.PathLike) -> str:
    report = check_plan(plan_dir)
    return report.plan.version if report.plan else ""


def tag_name(version: str) -> str:
    return f"{TAG_PREFIX}{version}"


def version_key(version: str):
    """Orders "2026.10" after "2026.9": numbers as numbers, the rest as text."""
    return [(0, int(part), "") if part.isdigit() else (1, 0, part)
            for part in re.findall(r"\d+|[^\d.\-_]+", version)]


def published_versions(repo: str | os.PathLike | None = None) -> list[str]:
    """Versions listed in versions.json of the local gh-pages branch (or the remote one)."""
    for branch in (PAGES_BRANCH, f"origin/{PAGES_BRANCH}"):
        text = git("show", f"{branch}:versions.json", repo=repo, check=False)
        if text:
            try:
                return [str(entry["version"]) for entry in json.loads(text)]
            except (ValueError, KeyError, TypeError):
                return []
    return []


def plan_tags(repo: str | os.PathLike | None = None) -> list[str]:
    """Versions that have a `plan-v<version>` tag."""
    tags = git("tag", "--list", f"{TAG_PREFIX}*", repo=repo, check=False).split()
    return [t[len(TAG_PREFIX):] for t in tags]


def previous_version(current: str, repo: str | os.PathLike | None = None) -> str | None:
    """The newest published version older than `current`; without a gh-pages
    branch, the newest older version that has a tag."""
    candidates = published_versions(repo) or plan_tags(repo)
    older = [v for v in candidates if v != current and version_key(v) < version_key(current)]
    return max(older, key=version_key, default=None)


def changes_since_previous(plan_dir: str | os.PathLike, repo: str | os.PathLike | None = None,
                           plan: Plan | None = None, language: i18n.Language | None = None) -> str:
    """Markdown for the "What changed in this version" page, in `language`
    (default: the plan's, from the packaged catalogues).

    `plan` is the plan in `plan_dir` when the caller has checked it already;
    when it is one audience's plan (audience.redact), the previous version is
    redacted for the same audience before the two are compared."""
    plan_dir = Path(plan_dir).resolve()
    repo = Path(repo).resolve() if repo else repo_root(plan_dir)
    new = plan or check_plan(plan_dir).plan
    words = language or i18n.for_plan(new)
    _ = words.gettext
    if repo is None or new is None:
        return _(FIRST_VERSION)
    try:
        previous = previous_version(new.version, repo)
        if previous is None:
            return _(FIRST_VERSION)
        if not is_revision(tag_name(previous), repo):
            return _("The previous version, %(version)s, was published, but its source (the git tag "
                     "%(tag)s) is not in this copy of the repository, so the changes cannot be listed "
                     "here. Fetch the tags (`git fetch --tags`) and build again.") % {
                "version": previous, "tag": tag_name(previous)}
        plan_path = os.path.relpath(plan_dir, repo)
        with plan_at(tag_name(previous), repo, plan_path) as old_dir:
            old = check_plan(old_dir).plan
        # Both sides as the handbook's audience reads them: what it may not
        # read must not show up as "changed from ...".
        result = diff_plans(redact(old, new.audience), new)
    except GitError as exc:
        return _("The changes since the previous version cannot be listed: %(reason)s.") % {"reason": exc}
    return format_markdown(result, words)


def version_bump_problem(base: str, plan_dir: str | os.PathLike = "plan",
                         repo: str | os.PathLike | None = None, plan_path: str | None = None) -> Message | None:
    """Why the plan's version must be raised, or None when it need not be.

    The plan needs a new version when its files differ from `base` (the
    branch a pull request goes into) and its version did not go up. The
    message is English as it is; `say` it in the plan's language."""
    plan_dir = Path(plan_dir)
    repo = repo or repo_root(plan_dir)
    if plan_path is None:
        plan_path = os.path.relpath(plan_dir.resolve(), Path(repo).resolve()) if repo else "plan"
    if not is_revision(base, repo):
        raise GitError(f"'{base}' is not a git revision here (fetch it first, e.g. git fetch origin main)")
    if not has_path(base, plan_path, repo):
        return None  # the plan is new on this branch: any version will do
    with plan_at(base, repo, plan_path) as old_dir:
        if plan_hash(old_dir) == plan_hash(plan_dir):
            return None
        old_version = plan_version(old_dir)
    new_version = plan_version(plan_dir)
    where = f"{plan_path}/about.yaml"
    if new_version == old_version:
        return _("The plan changed but its version is still %(version)s: raise plan.version in %(file)s "
                 "(for example to %(next)s), so the change is published as a new version.").format(
            version=new_version, file=where, next=suggest_next(old_version))
    if version_key(new_version) < version_key(old_version):
        return _("The plan's version went down from %(old)s to %(new)s: a new version must be higher "
                 "than %(old)s (%(file)s).").format(old=old_version, new=new_version, file=where)
    return None


def suggest_next(version: str) -> str:
    match = re.search(r"(\d+)(\D*)$", version)
    if not match:
        return f"{version}.1"
    number = str(int(match.group(1)) + 1)
    return version[: match.start(1)] + number + match.group(2)
