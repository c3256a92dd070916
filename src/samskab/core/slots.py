"""A few slots shared by the web server's worker processes on one machine (file locks).

At a deadline the batch API and the response form share the same worker processes and CPU
cores. A batch of a thousand responses is a few hundred milliseconds of CPU; four clients
sending batches at once would keep every core busy with them and the form's answers would wait.
`slot("api-batch", n)` lets at most `n` processes of the machine run a batch at a time; the
others wait for a slot without using CPU, so the cores stay shared with the form (the form never
takes a slot). A process that dies releases its slot with its file descriptors.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings


class NoSlot(Exception):
    """No slot came free within the wait: the caller answers 503 with Retry-After."""


def _directory() -> Path:
    path = Path(settings.VAR_DIR) / "slots"
    path.mkdir(parents=True, exist_ok=True)
    return path


@contextlib.contextmanager
def slot(name: str, count: int, *, wait_seconds: float = 30.0) -> Iterator[None]:
    """Hold one of `count` slots called `name` on this machine while the block runs; wait for
    one (polling, without CPU) up to `wait_seconds`, then raise NoSlot. `count` < 1: no limit."""
    if count < 1:
        yield
        return
    directory = _directory()
    descriptors = []
    try:
        for index in range(count):
            descriptors.append(os.open(directory / f"{name}-{index}.lock",
                                       os.O_RDWR | os.O_CREAT, 0o600))
        give_up = time.monotonic() + wait_seconds
        pause = 0.002
        while True:
            for descriptor in descriptors:
                try:
                    fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    continue
                try:
                    yield
                finally:
                    fcntl.flock(descriptor, fcntl.LOCK_UN)
                return
            if time.monotonic() > give_up:
                raise NoSlot(name)
            time.sleep(pause)
            pause = min(pause * 2, 0.05)
    finally:
        for descriptor in descriptors:
            os.close(descriptor)
