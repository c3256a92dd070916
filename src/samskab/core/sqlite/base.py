"""Django's SQLite backend, with write transactions that wait for the write lock in short
steps and say while they wait (:mod:`samskab.core.writers`), so that a writer gets the lock
soon after it comes free and long runs of writes let it go first; a transaction that held
the lock longer than ``SAMSKAB_DB_LONG_WRITE_MS`` while others waited is logged with where it
was opened."""

import contextlib
import time

from django.db.backends.sqlite3 import base

from samskab.core import writers


class DatabaseWrapper(base.DatabaseWrapper):
    # monotonic time the write lock was taken (BEGIN IMMEDIATE), None outside a transaction
    write_started = None

    def get_new_connection(self, conn_params):
        conn = super().get_new_connection(conn_params)
        # the busy timeout the settings gave (init_command), restored after each BEGIN
        self.busy_ms = conn.execute("PRAGMA busy_timeout").fetchone()[0]
        return conn

    def _start_transaction_under_autocommit(self):
        if self.transaction_mode != "IMMEDIATE":
            super()._start_transaction_under_autocommit()
            return
        # BEGIN IMMEDIATE (the settings' transaction_mode) is where a writer waits for the lock
        with writers.waiting(str(self.settings_dict["NAME"])), self.wrap_database_errors:
            writers.begin_immediate(self.connection, self.busy_ms)
        self.write_started = time.monotonic()

    def _commit(self):
        with self._ending():
            return super()._commit()

    def _rollback(self):
        with self._ending():
            return super()._rollback()

    @contextlib.contextmanager
    def _ending(self):
        """Around COMMIT or ROLLBACK: whether this transaction held the lock longer than the
        settings' limit while other writers wait is seen before it ends (while they still
        wait), and logged after, with the time it held the lock."""
        if self.write_started is None:
            yield
            return
        limit = writers.long_write_limit()
        database = str(self.settings_dict["NAME"])
        waited = (bool(limit) and time.monotonic() - self.write_started >= limit
                  and writers.others_waiting(database))
        try:
            yield
        finally:
            held, self.write_started = time.monotonic() - self.write_started, None
            if waited:
                writers.held(database, held)
