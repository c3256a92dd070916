#!/usr/bin/env bash
# The whole suite: once on embedded SQLite, then the database tests again on PostgreSQL when
# TEST_DATABASE_URL answers (SAMSKAB_REQUIRE_POSTGRES=1 makes a missing server an error: CI).
set -uo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
export SAMSKAB_VAR_DIR="${SAMSKAB_VAR_DIR:-$PWD/var/test}"
mkdir -p "$SAMSKAB_VAR_DIR"
# Two test processes (pytest-xdist): the machine has two cores, and the browser, server and
# backup tests spend much of their time waiting. SAMSKAB_TEST_WORKERS=0 runs in one process.
# The slow tests are collected first (tests/conftest.py); handed out one at a time
# (--maxschedchunk 1), they go to whichever process is free, instead of all going to the first
# process with the first quarter of the suite.
PYTEST_ARGS=(-n "${SAMSKAB_TEST_WORKERS:-2}" --maxschedchunk 1 "$@")

echo "== tests on SQLite =="
env -u DATABASE_URL "$PY" -m pytest "${PYTEST_ARGS[@]}"
sqlite_rc=$?

pg_url="${TEST_DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/postgres}"
if "$PY" - "$pg_url" <<'PYCODE'
import sys
import psycopg
try:
    psycopg.connect(sys.argv[1], connect_timeout=3).close()
except Exception as error:  # noqa: BLE001
    print(f"PostgreSQL not reachable at {sys.argv[1]}: {error}", file=sys.stderr)
    sys.exit(1)
PYCODE
then
  echo "== database tests on PostgreSQL ($pg_url) =="
  # sqlite_only: the page walks (layout, accessibility, language), whose pages do not depend
  # on the database, and the demo command (embedded SQLite); on a 2-core machine they were
  # 40 % of this run
  DATABASE_URL="$pg_url" "$PY" -m pytest -m "not nodb and not sqlite_only" "${PYTEST_ARGS[@]}"
  pg_rc=$?
elif [ "${SAMSKAB_REQUIRE_POSTGRES:-0}" = "1" ]; then
  echo "error: PostgreSQL is required here but does not answer at $pg_url" >&2
  pg_rc=1
else
  echo "== PostgreSQL not reachable: skipped the PostgreSQL run (set TEST_DATABASE_URL) =="
  pg_rc=0
fi

if [ $sqlite_rc -ne 0 ] || [ $pg_rc -ne 0 ]; then
  echo "FAILED: sqlite=$sqlite_rc postgresql=$pg_rc" >&2
  exit 1
fi
