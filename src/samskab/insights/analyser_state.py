"""The analyser state saved between runs (files beside the database) and the locks that keep
runs of one consultation apart."""

from __future__ import annotations

import fcntl
import logging
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connection

from samskab import analysis as engine
from samskab.consultations.models import Consultation

logger = logging.getLogger(__name__)


def analyser_dir(consultation: Consultation) -> Path:
    """Where the consultation's saved analyser state lives (JSON and plain arrays)."""
    return Path(settings.VAR_DIR) / "analysis" / consultation.slug


def save_state(analyser: engine.Analyser, consultation: Consultation) -> None:
    """Replace the saved analyser state in one rename, so a reader never sees half a state."""
    install_state(write_state(analyser, consultation), consultation)


def write_state(analyser: engine.Analyser, consultation: Consultation) -> Path:
    """Write the state beside the saved one (seconds for a large consultation: a full run
    does it before its final transaction, so no lock is held meanwhile)."""
    final = analyser_dir(consultation)
    final.parent.mkdir(parents=True, exist_ok=True)
    fresh = final.with_name(f"{final.name}.new-{os.getpid()}")
    shutil.rmtree(fresh, ignore_errors=True)
    analyser.save(fresh)
    return fresh


def install_state(fresh: Path, consultation: Consultation) -> None:
    """Make a written state the saved one by renames (milliseconds)."""
    final = analyser_dir(consultation)
    old = final.with_name(f"{final.name}.old-{os.getpid()}")
    if final.exists():
        final.rename(old)
    fresh.rename(final)
    shutil.rmtree(old, ignore_errors=True)


def load_state(consultation: Consultation) -> engine.Analyser | None:
    path = analyser_dir(consultation)
    if not (path / "state.json").exists():
        return None
    try:
        return engine.Analyser.load(path)
    except (OSError, ValueError, KeyError):
        logger.exception("unreadable analyser state at %s; a full run will replace it", path)
        return None


# pg_advisory_xact_lock's first key: "analysis" runs of one consultation, one at a time.
_ANALYSIS_LOCK_SPACE = 0x5A4E


class AnalysisBusy(Exception):
    """A full run is storing its results (SQLite): try again later (the sweep does)."""


def analysis_lock(consultation: Consultation) -> None:
    """Serialise the analysis runs of one consultation until the transaction ends.

    Not a lock on the consultation's row: answers take that row to number themselves, and the
    form must not wait for an analysis to store its results (PostgreSQL: an advisory lock,
    which waits for a full run storing; SQLite: the transaction already holds the database's
    write lock, IMMEDIATE, so it must not wait for the full run's file lock: it raises
    AnalysisBusy while a full run stores, and the caller's transaction rolls back)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s::int, %s::int)",
                           [_ANALYSIS_LOCK_SPACE, consultation.pk])
        return
    path = analyser_dir(consultation)
    lock = path.with_name(f"{path.name}.lock")
    if not lock.exists():
        return
    with open(lock, "rb") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            raise AnalysisBusy(consultation.pk) from None
        fcntl.flock(handle, fcntl.LOCK_UN)


@contextmanager
def full_run_lock(consultation: Consultation) -> Iterator[None]:
    """Serialise full runs of one consultation for the whole run, which stores in many short
    transactions (PostgreSQL: a session advisory lock, the same key incremental runs take per
    transaction; SQLite: an exclusive lock on a file beside the analyser state)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s::int, %s::int)",
                           [_ANALYSIS_LOCK_SPACE, consultation.pk])
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s::int, %s::int)",
                               [_ANALYSIS_LOCK_SPACE, consultation.pk])
        return
    path = analyser_dir(consultation)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_name(f"{path.name}.lock"), "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
