"""Spread independent work over the machine's cores with forked worker processes.

    split = Split(check_one, items, weights, share_here=True)
    ...                      # this process may do other work meanwhile
    results = split.results()   # [check_one(item) for item in items], in order

Each worker is a fork of this process, so it sees the loaded plan and
schemas without copying them; it sends its results back through a pipe,
pickled.  A worker that fails in any way costs only time: its items are
done again here.  Work stays in this process when forking is not safe or
not worth it: no `os.fork` (Windows), other threads running (`mkdocs serve`;
a fork copies their locks, held or not), one core, little work, or
CRISISPLAN_JOBS=1.
"""
from __future__ import annotations

import atexit
import os
import pickle
import signal
import threading
from typing import Callable, Sequence

JOBS_ENV = "CRISISPLAN_JOBS"
MAX_JOBS = 4


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def jobs() -> int:
    """How many processes may share work now (1: this one only)."""
    wanted = os.environ.get(JOBS_ENV, "")
    count = int(wanted) if wanted.isdigit() and int(wanted) > 0 else min(cores(), MAX_JOBS)
    if count > 1 and (not hasattr(os, "fork") or _other_threads()):
        return 1
    return count


def _other_threads() -> bool:
    return threading.active_count() > 1


def balanced(weights: Sequence[int], parts: int) -> list[list[int]]:
    """Indexes of `weights` in `parts` groups of about equal total weight (heaviest first)."""
    groups: list[list[int]] = [[] for _ in range(parts)]
    totals = [0] * parts
    for index in sorted(range(len(weights)), key=lambda i: -weights[i]):
        lightest = totals.index(min(totals))
        groups[lightest].append(index)
        totals[lightest] += weights[index]
    return [sorted(group) for group in groups]


class Split:
    """`function` over `items`, spread over forked workers.

    The work is cut into one share per core, by weight.  With `share_here`,
    this process does one share itself when `results()` is called;
    otherwise it is busy with other work until then, and the workers take
    all the shares, one core fewer.  Below `min_weight` in total, nothing
    is forked.  `then(item, result)`, if given, is done for every item once
    its result is known, in a worker after it has sent its results (so
    that nobody waits for it: writing a cache, say).
    """

    def __init__(self, function: Callable, items: Sequence, weights: Sequence[int], share_here: bool,
                 min_weight: int = 0, then: Callable | None = None):
        self.function = function
        self.then = then
        self.items = list(items)
        _reap(block=False)
        count = jobs() if sum(weights) >= min_weight and len(self.items) > 1 else 1
        if count == 1:
            self.here, forked = list(range(len(self.items))), []
        elif share_here:  # this process and count - 1 workers
            self.here, *forked = [g for g in balanced(weights, count) if g]
        else:  # count - 1 workers, this process being busy with other work
            self.here, forked = [], [g for g in balanced(weights, count - 1) if g]
        self.workers = [(group, _fork(function, [self.items[i] for i in group], then)) for group in forked]

    def _here(self, index: int):
        result = self.function(self.items[index])
        if self.then is not None:
            self.then(self.items[index], result)
        return result

    def results(self) -> list:
        out: list = [None] * len(self.items)
        for index in self.here:
            out[index] = self._here(index)
        while self.workers:  # a worker leaves the list once collected, so `close` skips it
            group, worker = self.workers.pop(0)
            values = _collect(*worker)
            if values is None or len(values) != len(group):  # the worker failed: do its share here
                values = [self._here(i) for i in group]
            for index, value in zip(group, values):
                out[index] = value
        return out

    def close(self) -> None:
        """Stop and reap the workers whose results were not collected (after an error here)."""
        for _, (pid, read) in self.workers:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
            os.close(read)
            os.waitpid(pid, 0)
        self.workers = []


def _fork(function: Callable, items: list, then: Callable | None) -> tuple[int, int]:
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the worker: compute, send, follow up, and leave without running any exit handlers
        code = 1
        try:
            os.close(read)
            results = [function(item) for item in items]
            with os.fdopen(write, "wb") as pipe:
                pipe.write(pickle.dumps(results, protocol=pickle.HIGHEST_PROTOCOL))
            if then is not None:
                for item, result in zip(items, results):
                    then(item, result)
            code = 0
        finally:
            os._exit(code)
    os.close(write)
    return pid, read


# Workers whose results are in, still busy with `then`: reaped later, and
# waited for before this process exits.
_finishing: list[int] = []


def _collect(pid: int, read: int) -> list | None:
    """The results a worker sent, or None if it failed; all its results are
    in once its end of the pipe is closed, whatever it does next."""
    with os.fdopen(read, "rb") as pipe:
        data = pipe.read()
    _finishing.append(pid)
    _reap(block=False)
    if not data:
        return None
    try:
        return pickle.loads(data)
    except Exception:  # a worker that died while sending
        return None


def _reap(block: bool) -> None:
    for pid in list(_finishing):
        try:
            done, _ = os.waitpid(pid, 0 if block else os.WNOHANG)
        except ChildProcessError:
            done = pid
        if done:
            _finishing.remove(pid)


atexit.register(_reap, block=True)
