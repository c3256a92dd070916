"""A few slots shared by the web server's worker processes on one machine (file locks).

At a deadline the batch API and the response form share the same worker processes and CPU
cores. A batch of a thousand responses is a few hundred milliseconds of CPU; four clients
sending batches at once would keep every core busy with them and the form's answers would wait.
`slot("api-batch", n)` lets at most `n` processes of the machine run a batch at a time; the
others wait for a slot without using CPU, so the cores stay shared with the form (the form never
takes a slot). A process that dies releases its slot with its file descriptors.

A caller that finds every slot taken waits only if one of `count` waiting places is free: a
web worker that waits serves nothing else meanwhile, so four clients sending batches at once
to one slot would park four of the machine's eight workers, three of them waiting (measured:
the form's answers fell by half beside them). With the places taken the caller is told at once
(NoSlot, a 503 with Retry-After) and sends again; the slot is never left idle, since a caller
waits in one of the places to take it as it comes free.
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


def _take(descriptors: list[int]) -> int | None:
    """The first of `descriptors` whose lock this process could take, or None."""
    for descriptor in descriptors:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            continue
        return descriptor
    return None


def _open(directory: Path, names: list[str]) -> list[int]:
    descriptors: list[int] = []
    try:
        for name in names:
            descriptors.append(os.open(directory / name, os.O_RDWR | os.O_CREAT, 0o600))
    except OSError:
        for descriptor in descriptors:
            os.close(descriptor)
        raise
    return descriptors


# The longest a waiting caller sleeps between two looks at the slots: a slot that comes free
# is taken within this (a batch of a thousand records takes 100-300 ms).
MAX_PAUSE = 0.005


@contextlib.contextmanager
def slot(name: str, count: int, *, wait_seconds: float = 30.0,
         waiting: int | None = None) -> Iterator[None]:
    """Hold one of `count` slots called `name` on this machine while the block runs. With all
    taken, wait for one (polling, without CPU to speak of) in one of `waiting` (default
    `count`) waiting places, up to `wait_seconds`; raise NoSlot when the places are taken too,
    or the wait ran out. `count` < 1: no limit."""
    if count < 1:
        yield
        return
    directory = _directory()
    slots = _open(directory, [f"{name}-{index}.lock" for index in range(count)])
    places: list[int] = []
    try:
        held = _take(slots)
        if held is None:
            places = _open(directory, [f"{name}-waiting-{index}.lock"
                                       for index in range(count if waiting is None else waiting)])
            if _take(places) is None:
                raise NoSlot(name)
            give_up = time.monotonic() + wait_seconds
            pause = 0.0005
            while (held := _take(slots)) is None:
                if time.monotonic() > give_up:
                    raise NoSlot(name)
                time.sleep(pause)
                pause = min(pause * 2, MAX_PAUSE)
            for descriptor in places:  # the waiting place is free for the next caller
                os.close(descriptor)
            places = []
        try:
            yield
        finally:
            fcntl.flock(held, fcntl.LOCK_UN)
    finally:
        for descriptor in slots + places:
            os.close(descriptor)
