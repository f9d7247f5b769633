"""Ordered parallel map over forked worker processes.

Workers are forked (not spawned) so they inherit every loaded module and the parent's data:
the parent puts what the workers need in ``shared`` before the pool starts, and the task
function reads it from there, so only small task keys and results cross the pipes. Loading
cmudict alone takes ~2 s per process; forked workers get the parent's copy for free.
Results come back in input order (imap), so the output never depends on scheduling.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import pickle
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

# What forked workers may read (set by the parent before the pool starts; never written by workers).
shared: dict[str, Any] = {}

# Below this many tasks a pool costs more than it saves.
MIN_TASKS = 16


def freeze_long_lived() -> None:
    """Move every object that exists now out of the cyclic collector's reach.

    A build holds millions of long-lived objects (parsed trials, summaries, the cache a serve
    session keeps); each full collection would walk all of them again, taking seconds. Frozen
    objects are still freed by reference counting when they are dropped; only a reference cycle
    among them would outlive its use, and the build makes few of those.
    """
    gc.freeze()


@contextmanager
def collector_paused():
    """For code that makes many objects and no reference cycles. Reading thousands of cached
    objects (10,000 parsed trials: ~1 GB of objects) with the cyclic collector on took 2.7 s
    instead of 0.9 s: it walks the growing heap again and again (the search files: a third of
    their time at 10,000 trials).
    What was read is frozen before the collector is back on (else its first run walks it all
    once more, ~0.7 s): those objects live to the end of the build, which freezes them anyway
    (freeze_long_lived); reference counting still frees them."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


def job_count(jobs: int | None) -> int:
    """None -> the number of cores; at least 1."""
    return max(1, jobs if jobs is not None else (os.cpu_count() or 1))


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def in_worker() -> bool:
    """True in a worker process that ordered_map forked."""
    return shared.get("_parent_pid", os.getpid()) != os.getpid()


def send(value: Any) -> Any:
    """What a task returns for ``value``: in a worker, pickled here once (the caller may store the
    same bytes), so the pipe carries bytes; in-process, the value itself. See receive()."""
    return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL) if in_worker() else value


def receive(result: Any) -> Any:
    return pickle.loads(result) if isinstance(result, bytes) else result


def ordered_map(fn: Callable[[Any], Any], items: Iterable, *, jobs: int, state: dict | None = None,
                chunksize: int | None = None, chunks_per_worker: int | None = None) -> Iterator:
    """fn(item) for each item, in order; over ``jobs`` forked processes when that pays.

    Consume it to the end or close it (``with contextlib.closing(...)``): until then the workers
    run on and this process's garbage collector stays off.

    ``chunks_per_worker``: replace a worker by a fresh fork after this many chunks. A worker that
    reads the parent's objects copies every page of memory it touches (reference counts are
    written even on reads), so a long-lived worker ends up with a private copy of most of the
    site; a fresh one starts from the shared pages again, which bounds each worker's memory."""
    items = list(items)
    shared.clear()
    shared.update(state or {})
    shared["_parent_pid"] = os.getpid()
    if jobs <= 1 or len(items) < MIN_TASKS or not can_fork():
        try:
            yield from map(fn, items)
        finally:
            shared.clear()
        return
    chunk = chunksize or max(1, min(64, len(items) // (jobs * 8)))
    # Objects that exist before the fork are moved out of the collector's reach, so a worker's
    # collections do not write to (and so copy) every page of memory it shares with the parent.
    # They stay frozen afterwards too (see freeze_long_lived).
    freeze_long_lived()
    pool = multiprocessing.get_context("fork").Pool(jobs, maxtasksperchild=chunks_per_worker, initializer=gc.enable)
    finished = False
    try:
        # While results arrive, this process only unpickles them: the collector would walk the
        # growing heap again and again (unpickling a Trial took 2.7x as long with it on). What
        # arrived lives on (parsed trials), so it is frozen before the collector is back on (else
        # its first runs walk all of it: ~1.2 s for 10,000 trials). Workers turn the collector
        # back on for themselves (initializer), including ones forked later.
        with collector_paused():
            yield from pool.imap(fn, items, chunk)
        pool.close()  # every result is in: the workers leave on their own (terminate took ~0.7 s)
        pool.join()
        finished = True
    finally:
        if not finished:
            pool.terminate()
            pool.join()
        shared.clear()


# Children whose value has been read but which may still be exiting: a forked child takes
# ~0.05 s to tear down its copy of a big site, so result() does not wait for that; they are
# collected later (reap), and by the system when this process ends.
_exiting: list[int] = []


def reap() -> None:
    """Collect the children in _exiting that have ended, without waiting for the others."""
    for pid in list(_exiting):
        try:
            ended = os.waitpid(pid, os.WNOHANG)[0] != 0
        except ChildProcessError:
            ended = True  # collected already
        if ended:
            _exiting.remove(pid)


class Pending:
    """A call running in a forked child (see in_background); result() waits for its value."""

    def __init__(self, pid: int | None = None, fd: int | None = None, value: Any = None):
        self.pid, self.fd, self.value = pid, fd, value

    def result(self) -> Any:
        if self.pid is None:
            return self.value
        with os.fdopen(self.fd, "rb") as pipe:
            data = pipe.read()
        _exiting.append(self.pid)  # it closed the pipe: all that is left is its exit
        self.pid = None
        reap()
        if not data:  # the child died without a word (killed, out of memory)
            raise ChildProcessError("a background process ended without a result")
        status, self.value = pickle.loads(data)
        if status == "error":
            raise self.value
        return self.value

    def cancel(self) -> None:
        """Stop the child if it is still running (the build failed before it needed the result)."""
        if self.pid is not None:
            try:
                os.kill(self.pid, 9)
            except ProcessLookupError:
                pass
            os.close(self.fd)
            os.waitpid(self.pid, 0)
            self.pid = None


def in_background(fn: Callable[..., Any], *args: Any, jobs: int) -> Pending:
    """fn(*args) in a forked child, so this process can go on with other work meanwhile (with
    jobs > 1; else it runs here and now). The child sees this process's memory as it is now and
    sends back only fn's value, pickled; whatever else it changes stays in the child."""
    if jobs <= 1 or not can_fork():
        return Pending(value=fn(*args))
    reap()
    freeze_long_lived()  # as for pool workers: the child's collections then leave shared pages alone
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: compute, write the result, leave without running any exit handler
        code = 0
        try:
            os.close(read_end)
            try:
                outcome = ("ok", fn(*args))
            except Exception as e:  # noqa: BLE001 - handed to the parent, which raises it
                outcome = ("error", e)
            try:
                data = pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
            except Exception as e:  # noqa: BLE001 - an unpicklable exception, say
                data = pickle.dumps(("error", RuntimeError(f"{type(e).__name__}: {e}")))
            with os.fdopen(write_end, "wb") as pipe:
                pipe.write(data)
        except BaseException:  # noqa: BLE001 - the parent sees an empty pipe and says so
            code = 1
        finally:
            os._exit(code)
    os.close(write_end)
    return Pending(pid, read_end)
