"""Writers that take turns at SQLite's write lock (issue 15).

SQLite has one write lock per database. A writer that finds it taken waits in SQLite's busy
handler, which sleeps between tries (1, 2, 5 … then 100 ms at a time) and is not woken when
the lock comes free. A long run of short transactions back to back (a full analysis storing
its rows, an API batch stored in chunks) leaves the lock free only for microseconds between
two of them, so a waiting writer kept missing those gaps: a probe waited 13 s while a run
stored 17,000 groups one INSERT at a time, and a form's answer waits its busy handler's
sleeps out behind every chunk.

So writers say that they wait. Every write transaction of the application (the database
backend ``samskab.core.sqlite``) holds a shared file lock beside the database while its
``BEGIN IMMEDIATE`` waits for SQLite's lock; a long run of writes calls
:func:`let_others_write` between two of its transactions, which waits, without CPU to speak
of, until nobody holds that shared lock (up to ``patience`` seconds), so the writers waiting
get the lock first. An uncontended transaction pays two ``flock`` calls and two ``PRAGMA
busy_timeout`` statements (see :func:`begin_immediate`). Processes that do not
go through the backend (``sqlite3`` on the command line) are waited for by SQLite's busy
handler as before.

A writer that waits does not wait in SQLite's busy handler either: :func:`begin_immediate`
tries ``BEGIN IMMEDIATE`` again every 0.1 to 2 ms, so it gets the lock within about 2 ms of
its coming free however long it has waited, where the busy handler's 100 ms sleeps let
writers that came later go first, again and again (the tail of a form's answers at a
deadline, when every answer is a write).

The lock is ``flock`` on a file named after the database (``<database>-writers``): per open
file description, so each thread of each process has its own descriptor, opened again after
a fork.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import sqlite3
import sysconfig
import threading
import time
import traceback
from collections.abc import Iterator

_local = threading.local()
log = logging.getLogger("samskab.db.writes")
# frames that are not the application's: Python's, the installed packages', and this backend's
_NOT_OURS = (*{sysconfig.get_paths()[k] for k in ("stdlib", "purelib", "platlib")},
             os.path.dirname(__file__) + "/sqlite/", __file__)


def _descriptor(database: str) -> int | None:
    """This thread's descriptor of ``database``'s writers file; None for a database that is
    not a file (in memory), whose writers are all in this process."""
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    opened = getattr(_local, "opened", None)
    if opened is None or opened[0] != os.getpid():  # none yet, or inherited through a fork
        opened = _local.opened = (os.getpid(), {})
    descriptors = opened[1]
    fd = descriptors.get(database)
    if fd is None:
        fd = descriptors[database] = os.open(f"{database}-writers",
                                             os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    return fd


@contextlib.contextmanager
def waiting(database: str) -> Iterator[None]:
    """Held while this thread waits for ``database``'s write lock (around ``BEGIN
    IMMEDIATE``): long runs of writes let it go first (:func:`let_others_write`)."""
    fd = _descriptor(database)
    if fd is None:
        yield
        return
    fcntl.flock(fd, fcntl.LOCK_SH)  # blocks only for the instant a long run looks
    try:
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)


def others_waiting(database: str) -> bool:
    """Whether another writer of ``database`` waits for its write lock now."""
    fd = _descriptor(database)
    if fd is None:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    fcntl.flock(fd, fcntl.LOCK_UN)
    return False


def let_others_write(connection=None, *, patience: float = 1.0) -> float:
    """Between two transactions of a long run of writes: while other writers wait for the
    database's write lock, wait (polling every few milliseconds) up to ``patience`` seconds,
    so that they get it before this run's next transaction. Nothing on a database other than
    SQLite (PostgreSQL queues its lock waits), or inside a transaction (the lock is this
    run's until it ends). Returns the seconds waited."""
    if connection is None:
        from django.db import connection
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        return 0.0
    database = str(connection.settings_dict["NAME"])
    started = time.monotonic()
    pause = 0.0005
    while others_waiting(database):
        waited = time.monotonic() - started
        if waited >= patience:
            return waited
        time.sleep(pause)
        pause = min(2 * pause, 0.005)
    return time.monotonic() - started


# The longest a waiting writer sleeps between two tries for the lock.
MAX_PAUSE = 0.002


def begin_immediate(raw: sqlite3.Connection, busy_ms: int) -> None:
    """``BEGIN IMMEDIATE`` on ``raw`` (a connection whose busy timeout is ``busy_ms``),
    waiting for the write lock up to ``busy_ms`` by trying again every 0.1–2 ms instead of in
    SQLite's busy handler; then SQLite's own "database is locked" error, as the busy handler
    would give it (the web answers 503 with Retry-After)."""
    raw.execute("PRAGMA busy_timeout = 0")
    try:
        give_up = time.monotonic() + busy_ms / 1000
        pause = 0.0001
        while True:
            try:
                raw.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as error:
                if (getattr(error, "sqlite_errorcode", None) != sqlite3.SQLITE_BUSY
                        or time.monotonic() >= give_up):
                    raise
            time.sleep(pause)
            pause = min(2 * pause, MAX_PAUSE)
    finally:
        raw.execute(f"PRAGMA busy_timeout = {int(busy_ms)}")


def long_write_limit() -> float:
    """Seconds a write transaction may hold the lock before it is logged (0: never)."""
    from django.conf import settings

    return getattr(settings, "SAMSKAB_DB_LONG_WRITE_MS", 0) / 1000


def held(database: str, seconds: float) -> None:
    """A write transaction of ``database`` that held its write lock ``seconds``, longer than
    ``SAMSKAB_DB_LONG_WRITE_MS``, while other writers waited for it (seen before it ended), is
    logged as a warning with the application's frames that ended it, which are those that
    opened it. A long transaction nobody waited for (a command loading data alone) is not."""
    ours = [f"{'/'.join(f.filename.split('/')[-2:])}:{f.lineno} {f.name}"
            for f in traceback.extract_stack()
            if not f.filename.startswith(_NOT_OURS)]
    log.warning("write lock of %s held %.0f ms while other writers waited, by %s",
                os.path.basename(database), seconds * 1000,
                " < ".join(reversed(ours[-3:])) or "(no application frame)")
