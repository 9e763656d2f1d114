"""A cache of per-file results: loading and shape checks depend only on a
file's bytes, its schema and this package's code, so they are kept on disk
under a key made of those and reused until any of them changes.

Builds after `crisisplan validate`, and `mkdocs serve` rebuilds after one
file was edited, then redo only the cross-file checks.  The cache lives in
$CRISISPLAN_CACHE_DIR, else $XDG_CACHE_HOME/crisisplan, else
~/.cache/crisisplan; it can be deleted at any time.  CRISISPLAN_NO_CACHE=1
turns it off, and with it the page templates compiled at setup
(`setup_dir`), which render.py reads after the cache.
"""
from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile
from functools import lru_cache
from pathlib import Path

FORMAT = b"crisisplan-file-cache-1"


def cache_dir() -> Path | None:
    if os.environ.get("CRISISPLAN_NO_CACHE"):
        return None
    explicit = os.environ.get("CRISISPLAN_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "crisisplan"


def setup_dir() -> Path | None:
    """What setup prepares ahead of the first build (compiled page templates):
    inside the Python environment, beside its compiled modules.
    $CRISISPLAN_SETUP_DIR moves it; CRISISPLAN_NO_CACHE=1 turns it off too."""
    if os.environ.get("CRISISPLAN_NO_CACHE"):
        return None
    explicit = os.environ.get("CRISISPLAN_SETUP_DIR")
    return Path(explicit) if explicit else Path(sys.prefix) / "share" / "crisisplan"


@lru_cache(maxsize=1)
def code_fingerprint() -> bytes:
    """Changes whenever any module of this package changes."""
    digest = hashlib.sha256(FORMAT)
    for path in sorted(Path(__file__).resolve().parent.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.digest()


def key(*parts: bytes) -> str:
    digest = hashlib.sha256(code_fingerprint())
    for part in parts:
        digest.update(len(part).to_bytes(8, "big") + part)
    return digest.hexdigest()


def get(cache_key: str):
    folder = cache_dir()
    if folder is None:
        return None
    try:
        with open(folder / cache_key[:2] / cache_key, "rb") as handle:
            return pickle.load(handle)
    except (OSError, pickle.PickleError, EOFError, AttributeError, ImportError, ValueError):
        return None  # a missing, stale or damaged entry is just a miss


def put(cache_key: str, value) -> None:
    folder = cache_dir()
    if folder is None:
        return
    target = folder / cache_key[:2] / cache_key
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=target.parent, delete=False) as handle:
            pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(handle.name, target)
    except OSError:
        pass  # a read-only or full disk only costs speed
