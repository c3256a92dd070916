"""Worker processes for the stages that are Python or numpy work per text.

Threads do not help the Python parts (the GIL), and helped numpy parts only 1.3× on two
cores, so ``Analyser(workers=N)`` (``samskab analyse --workers N``) runs those stages in ``N``
processes. The processes come from a *forkserver*: they start from a small clean process, not
from a copy of the analyser (which may hold a million texts, and whose pages a forked child
would copy as soon as it touched a reference count), and forking it is safe from a program
that runs threads. Work goes to them as plain arguments (texts, arrays, small dataclasses)
and comes back the same way; each job is a pure function, so results do not depend on the
number of workers or on which worker ran what.

With ``workers=1`` nothing is started and the same functions run in the calling process.
With more, a script that starts the analysis must guard its entry point with
``if __name__ == "__main__":``, as for any ``multiprocessing`` program not started by fork.
"""

from __future__ import annotations

import gc
import multiprocessing as mp
import os
import pickle
import resource
import tempfile
import uuid
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from itertools import islice
from typing import Any

# modules the forkserver imports once, so each worker starts with them loaded
_PRELOAD = ["samskab.analysis.engine"]


@dataclass(frozen=True)
class Shared:
    """A handle on an object that many jobs need (a learnt model): in parallel, the object
    is written once to a private temporary file, and each worker reads it once."""

    key: str
    path: str | None = None
    value: Any = None


_RESOLVED: dict[str, Any] = {}


def resolve(handle: Shared) -> Any:
    """The object behind ``handle`` (read from its file at most once per process)."""
    if handle.path is None:
        return handle.value
    obj = _RESOLVED.get(handle.key)
    if obj is None:
        _RESOLVED.clear()
        with open(handle.path, "rb") as f:
            # our own file, written by this run's parent process a moment ago
            obj = _RESOLVED[handle.key] = pickle.load(f)  # noqa: S301
    return obj


def _worker_start() -> None:
    """Jobs build many small acyclic objects and the process ends with the run: the cyclic
    garbage collector would only cost time."""
    gc.disable()


def _ready() -> None:
    return None


def _traced(fn: Callable[..., Any], args: tuple) -> tuple[Any, int, float, float]:
    """Run ``fn(*args)`` in a worker; also report the worker's pid, peak memory (MB) and the
    CPU seconds it has used so far."""
    result = fn(*args)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return result, os.getpid(), usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime


class Workers:
    """``N`` worker processes, started on first use and stopped by :meth:`close` (or at the
    end of a ``with`` block)."""

    def __init__(self, n: int = 1) -> None:
        if n < 1:
            raise ValueError("workers must be at least 1")
        self.n = n
        self._pool: ProcessPoolExecutor | None = None
        self._peaks: dict[int, float] = {}
        self._cpu: dict[int, float] = {}
        self._dir: tempfile.TemporaryDirectory | None = None

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def parallel(self) -> bool:
        return self.n > 1

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            ctx = mp.get_context("forkserver")
            ctx.set_forkserver_preload(_PRELOAD)
            self._pool = ProcessPoolExecutor(max_workers=self.n, mp_context=ctx,
                                             initializer=_worker_start)
        return self._pool

    def start(self) -> None:
        """Start the worker processes now, without waiting for them (they import the
        engine while this process goes on, e.g. reading the input)."""
        if self.parallel:
            pool = self._executor()
            for _ in range(self.n):
                pool.submit(_ready)

    def map(self, fn: Callable[..., Any], jobs: Iterable[tuple]) -> list[Any]:
        """``[fn(*job) for job in jobs]``, in order (see :meth:`imap`)."""
        return list(self.imap(fn, jobs))

    def imap(self, fn: Callable[..., Any], jobs: Iterable[tuple]) -> Iterator[Any]:
        """``fn(*job)`` for each job, in order; in the worker processes when there are several
        workers. ``fn`` must be a module-level function. Jobs are taken from ``jobs`` only as
        workers become free (at most two per worker are in flight), so a generator that
        builds large arguments holds only a few of them at a time."""
        if not self.parallel:
            for job in jobs:
                yield fn(*job)
            return
        pool = self._executor()
        pending: deque = deque()
        queue = iter(jobs)
        for job in islice(queue, 2 * self.n):
            pending.append(pool.submit(_traced, fn, job))
        try:
            while pending:
                result, pid, peak, cpu = pending.popleft().result()
                self._peaks[pid] = max(peak, self._peaks.get(pid, 0.0))
                self._cpu[pid] = max(cpu, self._cpu.get(pid, 0.0))
                job = next(queue, None)
                if job is not None:
                    pending.append(pool.submit(_traced, fn, job))
                yield result
        finally:
            for future in pending:
                future.cancel()

    def share(self, obj: Any) -> Shared:
        """A handle on ``obj`` for jobs (see :class:`Shared`)."""
        key = uuid.uuid4().hex
        if not self.parallel:
            return Shared(key, value=obj)
        if self._dir is None:
            self._dir = tempfile.TemporaryDirectory(prefix="samskab-workers-")
        path = os.path.join(self._dir.name, f"{key}.pickle")
        with open(path, "wb") as f:
            pickle.dump(obj, f, protocol=pickle.HIGHEST_PROTOCOL)
        return Shared(key, path=path)

    def cpu_seconds(self) -> float:
        """CPU seconds the worker processes have used (as of their last finished job)."""
        return sum(self._cpu.values())

    def peak_mb(self) -> list[float]:
        """Peak resident memory of each worker process that ran a job, in MB."""
        return sorted(self._peaks.values(), reverse=True)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
        if self._dir is not None:
            self._dir.cleanup()
            self._dir = None


def spans(sizes: Sequence[int], budget: int, min_parts: int = 1) -> list[tuple[int, int]]:
    """Cut ``range(len(sizes))`` into consecutive spans of about ``budget`` total size (at
    least ``min_parts`` spans when there are that many items), for jobs of even weight."""
    total = sum(sizes)
    if min_parts > 1:
        budget = max(1, min(budget, -(-total // min_parts)))
    out, start, acc = [], 0, 0
    for i, s in enumerate(sizes):
        acc += s
        if acc >= budget:
            out.append((start, i + 1))
            start, acc = i + 1, 0
    if start < len(sizes):
        out.append((start, len(sizes)))
    return out
