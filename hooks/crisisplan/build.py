"""`crisisplan build`: the handbook built into a scratch folder and swapped in
whole, one build of a site folder at a time.

A failed build, a build that loses a race, or a swap that the file system
refuses leaves the previous site exactly as it was: the new site is written
beside it, under a name of its own, and only a rename puts it in place.
Builds of the same folder wait for each other (a lock file beside it), so two
terminals or two CI steps never mix their files. The build itself is
`mkdocs build --strict`, run as a separate process: this module, like the
rest of the core, never imports MkDocs.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import errno
import fcntl
import os
import shutil
import subprocess
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

from .audience import ENV as AUDIENCE_ENV
from .site import PLAN_ENV


class BuildError(Exception):
    """The handbook was not built or not put in place; the message says why."""


@contextmanager
def exclusive(site_dir: Path, say: Callable[[str], None] = lambda text: None) -> Iterator[None]:
    """Hold the lock of `site_dir` (a file beside it) while the block runs;
    waits, saying so, while another build holds it."""
    lock_path = site_dir.parent / f".{site_dir.name}.lock"
    try:
        handle = open(lock_path, "a+")
    except OSError as exc:
        raise BuildError(f"cannot create the lock file {lock_path} ({exc.strerror or exc}): "
                         f"check that you may write to {site_dir.parent}") from None
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            say(f"another build of {site_dir} is running; waiting for it to finish")
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def build(site_dir: str | os.PathLike, plan_dir: str | os.PathLike | None = None,
          config_file: str | os.PathLike = "mkdocs.yml", say: Callable[[str], None] = lambda text: None,
          audience: str | None = None) -> None:
    """Build the handbook of `plan_dir` (default: the one mkdocs.yml names) into
    `site_dir`, atomically, for `audience` (default: $CRISISPLAN_AUDIENCE, else
    the one mkdocs.yml names, else internal). BuildError when it was not built
    or not put in place."""
    site_dir = Path(site_dir).absolute()
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    with exclusive(site_dir, say):
        for stale in site_dir.parent.glob(f".{site_dir.name}.building-*"):  # left by a build that was killed
            shutil.rmtree(stale, ignore_errors=True)
        scratch = Path(tempfile.mkdtemp(prefix=f".{site_dir.name}.building-", dir=site_dir.parent))
        try:
            _mkdocs_build(scratch, plan_dir, config_file, audience)
            swap_in(scratch, site_dir)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)


def _mkdocs_build(into: Path, plan_dir, config_file, audience: str | None = None) -> None:
    env = dict(os.environ)
    if plan_dir is not None:
        env[PLAN_ENV] = str(plan_dir)
    if audience:
        env[AUDIENCE_ENV] = audience
    env.setdefault("NO_MKDOCS_2_WARNING", "1")
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet",
               "--config-file", str(config_file), "--site-dir", str(into)]
    try:
        result = subprocess.run(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    except OSError as exc:
        raise BuildError(f"cannot run MkDocs ({exc.strerror or exc}): install crisisplan with its "
                         "[site] extra") from None
    if result.returncode != 0:
        raise BuildError((result.stdout.rstrip() + "\n" if result.stdout.strip() else "")
                         + "the handbook was not built; the site built before stays as it was")


def swap_in(new: Path, site_dir: Path) -> None:
    """Put the folder `new` in place of `site_dir` by rename; the old site is
    removed only once the new one is in place. If the file system refuses,
    the old site stays whole and BuildError says so."""
    if not site_dir.exists():
        _rename(new, site_dir)
        return
    if not site_dir.is_dir() or site_dir.is_symlink():
        raise BuildError(f"{site_dir} is not a folder: move it away, then build again")
    try:
        exchange(new, site_dir)  # `new` now holds the old site
    except OSError as exc:
        raise BuildError(f"the new handbook could not replace {site_dir} ({exc.strerror or exc}); "
                         f"the site built before stays as it was. Check that you may change {site_dir} "
                         "and the folder it is in, then build again") from None
    shutil.rmtree(new, ignore_errors=True)


def _rename(source: Path, target: Path) -> None:
    try:
        os.rename(source, target)
    except OSError as exc:
        raise BuildError(f"the new handbook could not be put at {target} ({exc.strerror or exc}); "
                         f"check that you may write to {target.parent}, then build again") from None


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def exchange(first: Path, second: Path) -> None:
    """Swap two folders' names in one step where the system can (Linux's
    renameat2), else by two renames, undone if the second fails."""
    libc_name = ctypes.util.find_library("c")
    renameat2 = getattr(ctypes.CDLL(libc_name, use_errno=True), "renameat2", None) if libc_name else None
    if renameat2 is not None:
        if renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE) == 0:
            return
        code = ctypes.get_errno()
        if code not in (errno.ENOSYS, errno.EINVAL):  # anything but "this system cannot exchange"
            raise OSError(code, os.strerror(code), str(second))
    parked = second.with_name(second.name + ".previous")
    os.rename(second, parked)
    try:
        os.rename(first, second)
    except OSError:
        os.rename(parked, second)
        raise
    os.rename(parked, first)
