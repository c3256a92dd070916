"""Django's SQLite backend, with write transactions that wait for the write lock in short
steps and say while they wait (:mod:`samskab.core.writers`), so that a writer gets the lock
soon after it comes free and long runs of writes let it go first."""

from django.db.backends.sqlite3 import base

from samskab.core import writers


class DatabaseWrapper(base.DatabaseWrapper):
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
