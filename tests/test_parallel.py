"""Work spread over forked workers gives the same results as work done in one process."""
from __future__ import annotations

import os
import threading
import time

import pytest

from crisisplan import parallel

PARENT = os.getpid()


def square(n: int) -> int:
    return n * n


def square_and_pid(n: int) -> tuple[int, bool]:
    return n * n, os.getpid() == PARENT


def fails_in_a_worker(n: int) -> int:
    if os.getpid() != PARENT:
        raise RuntimeError("only in a worker")
    return n * n


@pytest.fixture
def two_jobs(monkeypatch):
    monkeypatch.setenv(parallel.JOBS_ENV, "2")
    # Threads of other tests (a web server, the browser's driver) may still run in
    # this process; what the workers run here takes none of their locks.
    monkeypatch.setattr(parallel, "_other_threads", lambda: False)


@pytest.mark.parametrize("share_here", [True, False])
def test_results_come_back_in_order_from_the_workers(two_jobs, share_here):
    items = list(range(40))
    split = parallel.Split(square_and_pid, items, [1] * len(items), share_here=share_here)
    assert split.workers, "the work should have been forked"
    results = split.results()
    assert [value for value, _ in results] == [n * n for n in items]
    in_parent = sum(here for _, here in results)
    # Sharing here: this process does one of two shares; otherwise one worker does all.
    assert in_parent == (20 if share_here else 0)


def test_a_failed_worker_costs_only_time(two_jobs):
    items = list(range(10))
    split = parallel.Split(fails_in_a_worker, items, [1] * len(items), share_here=True)
    assert split.workers
    assert split.results() == [n * n for n in items]


def test_little_work_stays_here(two_jobs):
    split = parallel.Split(square, [1, 2, 3], [10, 10, 10], share_here=True, min_weight=100)
    assert split.workers == []
    assert split.results() == [1, 4, 9]


def test_jobs_one_process_when_asked_or_when_threads_run(two_jobs, monkeypatch):
    monkeypatch.setenv(parallel.JOBS_ENV, "1")
    assert parallel.jobs() == 1
    monkeypatch.setenv(parallel.JOBS_ENV, "3")
    assert parallel.jobs() == 3
    monkeypatch.undo()  # the real thread count again
    monkeypatch.setenv(parallel.JOBS_ENV, "3")
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:  # forking while another thread may hold a lock is not safe (mkdocs serve runs threads)
        assert parallel._other_threads() and parallel.jobs() == 1
    finally:
        stop.set()
        thread.join()


def test_balanced_groups():
    groups = parallel.balanced([5, 1, 1, 1, 1, 1], 2)
    assert sorted(groups) == [[0], [1, 2, 3, 4, 5]]
    assert parallel.balanced([1, 1], 3) == [[0], [1], []]


def sleepy(n: int) -> int:
    time.sleep(30)
    return n


def test_close_stops_and_reaps_workers_not_collected(two_jobs):
    split = parallel.Split(sleepy, [1, 2], [1, 1], share_here=False)
    pids = [pid for _, (pid, _) in split.workers]
    assert pids
    start = time.monotonic()
    split.close()
    assert time.monotonic() - start < 10
    for pid in pids:
        with pytest.raises(ChildProcessError):  # already reaped: no zombie left behind
            os.waitpid(pid, os.WNOHANG)


def test_then_follows_each_result_without_holding_the_results_back(two_jobs, tmp_path):
    def then(n, result):
        if os.getpid() != PARENT:
            time.sleep(2)  # a slow follow-up in a worker, e.g. writing a cache
        (tmp_path / f"{n}-{result}").touch()

    items = list(range(6))
    start = time.monotonic()
    split = parallel.Split(square, items, [1] * len(items), share_here=True, then=then)
    assert split.workers
    assert split.results() == [n * n for n in items]
    assert time.monotonic() - start < 1.5, "the results waited for the workers' follow-up"
    parallel._reap(block=True)  # as at exit: the workers' follow-up is done before this process ends
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"{n}-{n * n}" for n in items)
