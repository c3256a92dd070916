"""Django's SQLite backend, with write transactions that say while they wait for the write
lock (:mod:`samskab.core.writers`), so that long runs of writes let them go first."""

from django.db.backends.sqlite3 import base

from samskab.core import writers


class DatabaseWrapper(base.DatabaseWrapper):
    def _start_transaction_under_autocommit(self):
        # BEGIN IMMEDIATE (settings' transaction_mode) is where a writer waits for the lock
        with writers.waiting(str(self.settings_dict["NAME"])):
            super()._start_transaction_under_autocommit()
