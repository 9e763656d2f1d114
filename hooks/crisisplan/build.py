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
from .messages import Message, _, say
from .site import PLAN_ENV


class BuildError(Exception):
    """The handbook was not built or not put in place: `message` says why (in any language,
    see messages.py), after what MkDocs printed (`output`), if anything."""

    def __init__(self, message: Message, output: str = "") -> None:
        self.message = message
        self.output = output.rstrip() + "\n" if output.strip() else ""
        super().__init__(self.output + message)

    def say(self, language) -> str:
        return self.output + say(self.message, language)


@contextmanager
def exclusive(site_dir: Path, tell: Callable[[Message], None] = lambda message: None) -> Iterator[None]:
    """Hold the lock of `site_dir` (a file beside it) while the block runs;
    waits, saying so, while another build holds it."""
    lock_path = site_dir.parent / f".{site_dir.name}.lock"
    try:
        handle = open(lock_path, "a+")
    except OSError as exc:
        raise BuildError(_("cannot create the lock file %(file)s (%(reason)s): check that you may write to "
                           "%(folder)s").format(file=str(lock_path), reason=exc.strerror or str(exc),
                                                folder=str(site_dir.parent))) from None
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            tell(_("another build of %(folder)s is running; waiting for it to finish").format(folder=str(site_dir)))
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def build(site_dir: str | os.PathLike, plan_dir: str | os.PathLike | None = None,
          config_file: str | os.PathLike = "mkdocs.yml", tell: Callable[[Message], None] = lambda message: None,
          audience: str | None = None) -> None:
    """Build the handbook of `plan_dir` (default: the one mkdocs.yml names) into
    `site_dir`, atomically, for `audience` (default: $CRISISPLAN_AUDIENCE, else
    the one mkdocs.yml names, else internal). BuildError when it was not built
    or not put in place. `tell` is given what to say while it waits for another
    build of the same folder."""
    site_dir = Path(site_dir).absolute()
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    with exclusive(site_dir, tell):
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
        raise BuildError(_("cannot run MkDocs (%(reason)s): install crisisplan with its [site] extra").format(
            reason=exc.strerror or str(exc))) from None
    if result.returncode != 0:
        raise BuildError(_("the handbook was not built; the site built before stays as it was"), result.stdout)


def swap_in(new: Path, site_dir: Path) -> None:
    """Put the folder `new` in place of `site_dir` by rename; the old site is
    removed only once the new one is in place. If the file system refuses,
    the old site stays whole and BuildError says so."""
    if not site_dir.exists():
        _rename(new, site_dir)
        return
    if not site_dir.is_dir() or site_dir.is_symlink():
        raise BuildError(_("%(folder)s is not a folder: move it away, then build again").format(folder=str(site_dir)))
    try:
        exchange(new, site_dir)  # `new` now holds the old site
    except OSError as exc:
        raise BuildError(_("the new handbook could not replace %(folder)s (%(reason)s); the site built before "
                           "stays as it was. Check that you may change %(folder)s and the folder it is in, then "
                           "build again").format(folder=str(site_dir), reason=exc.strerror or str(exc))) from None
    shutil.rmtree(new, ignore_errors=True)


def _rename(source: Path, target: Path) -> None:
    try:
        os.rename(source, target)
    except OSError as exc:
        raise BuildError(_("the new handbook could not be put at %(folder)s (%(reason)s); check that you may "
                           "write to %(parent)s, then build again").format(
            folder=str(target), reason=exc.strerror or str(exc), parent=str(target.parent))) from None


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
