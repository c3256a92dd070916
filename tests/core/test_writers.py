"""Writers take turns at SQLite's write lock (core.writers, the samskab.core.sqlite backend):
a write transaction says while it waits for the lock, and a long run of writes lets it go
first between two of its transactions."""

import sqlite3
import threading

import pytest
from django.db import connection

from samskab.core import writers
from samskab.core.sqlite.base import DatabaseWrapper


class _Sqlite:
    """What let_others_write reads of a connection, for a database file of the test's."""

    vendor = "sqlite"
    in_atomic_block = False

    def __init__(self, path):
        self.settings_dict = {"NAME": str(path)}


def _in_thread(target):
    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    return thread


def test_a_waiting_writer_is_seen_by_other_threads_until_it_stops_waiting(tmp_path):
    database = str(tmp_path / "db.sqlite3")
    inside, leave = threading.Event(), threading.Event()

    def wait_for_the_lock():
        with writers.waiting(database):
            inside.set()
            leave.wait(10)

    assert not writers.others_waiting(database)
    thread = _in_thread(wait_for_the_lock)
    assert inside.wait(10)
    assert writers.others_waiting(database)
    leave.set()
    thread.join(10)
    assert not writers.others_waiting(database)


def test_a_long_run_lets_a_waiting_writer_go_first(tmp_path):
    database = tmp_path / "db.sqlite3"
    inside, leave = threading.Event(), threading.Event()
    order = []

    def wait_for_the_lock():
        with writers.waiting(str(database)):
            inside.set()
            leave.wait(10)
            order.append("waiting writer")

    thread = _in_thread(wait_for_the_lock)
    assert inside.wait(10)
    threading.Timer(0.05, leave.set).start()
    waited = writers.let_others_write(_Sqlite(database), patience=30)
    order.append("long run")
    thread.join(10)
    assert order == ["waiting writer", "long run"] and waited > 0


def test_a_long_run_waits_no_longer_than_its_patience(tmp_path):
    database = tmp_path / "db.sqlite3"
    inside, leave = threading.Event(), threading.Event()

    def never_done():
        with writers.waiting(str(database)):
            inside.set()
            leave.wait(30)

    thread = _in_thread(never_done)
    assert inside.wait(10)
    try:
        assert writers.let_others_write(_Sqlite(database), patience=0.05) >= 0.05
    finally:
        leave.set()
        thread.join(10)


def test_nobody_waits_in_a_transaction_in_memory_or_on_another_database(tmp_path):
    class InTransaction(_Sqlite):
        in_atomic_block = True

    class Postgres(_Sqlite):
        vendor = "postgresql"

    database = tmp_path / "db.sqlite3"
    with writers.waiting(str(database)):  # this thread waits: a run of another would pause
        assert writers.let_others_write(InTransaction(database), patience=5) == 0.0
        assert writers.let_others_write(Postgres(database), patience=5) == 0.0
    for memory in (":memory:", "file:memorydb_default?mode=memory&cache=shared"):
        with writers.waiting(memory):
            assert not writers.others_waiting(memory)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's write lock")
def test_the_backends_write_transaction_says_while_it_waits_for_the_lock(tmp_path,
                                                                         django_db_blocker):
    with django_db_blocker.unblock():  # a database of the test's own, not the test database
        _wait_behind_another_writer(tmp_path)


def _wait_behind_another_writer(tmp_path):
    database = tmp_path / "db.sqlite3"
    holder = sqlite3.connect(database, isolation_level=None)
    holder.execute("PRAGMA journal_mode=WAL")
    holder.execute("CREATE TABLE t (x INTEGER)")
    settings = {**connection.settings_dict, "NAME": str(database)}
    connected, go, began = threading.Event(), threading.Event(), threading.Event()

    def write():
        wrapper = DatabaseWrapper(settings, alias="writers-test")
        wrapper.ensure_connection()
        connected.set()
        go.wait(10)
        wrapper._start_transaction_under_autocommit()  # BEGIN IMMEDIATE: waits for `holder`
        began.set()
        wrapper.cursor().execute("INSERT INTO t VALUES (1)")
        wrapper.connection.commit()
        wrapper.close()

    thread = _in_thread(write)
    assert connected.wait(10)
    holder.execute("BEGIN IMMEDIATE")  # another process's writer holds the lock
    go.set()
    try:
        for _ in range(1000):  # until the backend's writer is waiting
            if writers.others_waiting(str(database)):
                break
            threading.Event().wait(0.005)
        assert writers.others_waiting(str(database)) and not began.is_set()
    finally:
        holder.execute("COMMIT")
    thread.join(10)
    assert began.is_set() and not writers.others_waiting(str(database))
    assert holder.execute("SELECT x FROM t").fetchall() == [(1,)]
    holder.close()


def _wal(path):
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA busy_timeout = 700")
    return conn


def test_a_writer_gets_the_lock_when_it_comes_free_and_keeps_its_busy_timeout(tmp_path):
    database = tmp_path / "db.sqlite3"
    holder, waiter = _wal(database), _wal(database)
    holder.execute("CREATE TABLE t (x INTEGER)")
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("INSERT INTO t VALUES (1)")
    order = []

    def commit_later():
        order.append("holder commits")
        holder.execute("COMMIT")

    threading.Timer(0.2, commit_later).start()
    writers.begin_immediate(waiter, 5000)  # waits for the holder, then has the lock
    order.append("waiter began")
    waiter.execute("INSERT INTO t VALUES (2)")
    waiter.execute("COMMIT")
    assert order == ["holder commits", "waiter began"]
    assert waiter.execute("PRAGMA busy_timeout").fetchone()[0] == 5000
    assert waiter.execute("SELECT x FROM t ORDER BY x").fetchall() == [(1,), (2,)]


def test_a_writer_that_waits_too_long_gets_sqlites_own_busy_error(tmp_path):
    database = tmp_path / "db.sqlite3"
    holder, waiter = _wal(database), _wal(database)
    holder.execute("BEGIN IMMEDIATE")
    with pytest.raises(sqlite3.OperationalError, match="database is locked") as raised:
        writers.begin_immediate(waiter, 50)
    assert raised.value.sqlite_errorcode == sqlite3.SQLITE_BUSY
    assert waiter.execute("PRAGMA busy_timeout").fetchone()[0] == 50
    holder.execute("ROLLBACK")
    waiter.execute("BEGIN")  # another error is not waited on: it is raised at once
    with pytest.raises(sqlite3.OperationalError, match="within a transaction"):
        writers.begin_immediate(waiter, 60_000)


def _hold_the_lock(wrapper, seconds, *, while_another_waits):
    database = wrapper.settings_dict["NAME"]
    inside, leave = threading.Event(), threading.Event()

    def wait_for_the_lock():
        with writers.waiting(database):
            inside.set()
            leave.wait(10)

    wrapper._start_transaction_under_autocommit()
    wrapper.cursor().execute("INSERT INTO t VALUES (1)")
    waiter = _in_thread(wait_for_the_lock) if while_another_waits else None
    if waiter is not None:
        assert inside.wait(10)
    threading.Event().wait(seconds)
    wrapper._commit()
    leave.set()
    if waiter is not None:
        waiter.join(10)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's write lock")
def test_a_transaction_that_held_the_lock_long_while_others_waited_is_logged(
        tmp_path, django_db_blocker, settings, caplog):
    database = tmp_path / "db.sqlite3"
    _wal(database).execute("CREATE TABLE t (x INTEGER)")
    with django_db_blocker.unblock():
        wrapper = DatabaseWrapper({**connection.settings_dict, "NAME": str(database)},
                                  alias="writers-test")
        wrapper.ensure_connection()
        try:
            with caplog.at_level("WARNING", logger="samskab.db.writes"):
                settings.SAMSKAB_DB_LONG_WRITE_MS = 10
                _hold_the_lock(wrapper, 0.05, while_another_waits=True)  # logged
                _hold_the_lock(wrapper, 0.05, while_another_waits=False)  # nobody waited
                settings.SAMSKAB_DB_LONG_WRITE_MS = 60_000
                _hold_the_lock(wrapper, 0.05, while_another_waits=True)  # not long
                settings.SAMSKAB_DB_LONG_WRITE_MS = 0  # off
                _hold_the_lock(wrapper, 0.05, while_another_waits=True)
        finally:
            wrapper.close()
    [record] = caplog.records
    message = record.getMessage()
    assert message.startswith("write lock of db.sqlite3 held ")
    assert "while other writers waited" in message
    assert "test_writers.py" in message and "_hold_the_lock" in message
