"""`samskab serve`'s gunicorn command line (the server itself runs in tests/web/test_crash.py)."""

import os
import subprocess
import sys

from samskab.web.management.commands.serve import gunicorn_args


def _option(args: list[str], name: str) -> str:
    return args[args.index(name) + 1]


def test_serve_runs_sync_workers_preloaded_with_a_request_timeout():
    args = gunicorn_args("127.0.0.1:8000", 8)
    assert _option(args, "--worker-class") == "sync"
    assert "--threads" not in args
    assert "--preload" in args
    assert _option(args, "--timeout") == "60"
    assert _option(args, "--bind") == "127.0.0.1:8000"


def test_threads_give_gthread_workers_with_the_same_safeguards():
    args = gunicorn_args("127.0.0.1:8000", 4, threads=4)
    assert _option(args, "--worker-class") == "gthread"
    assert _option(args, "--threads") == "4"
    assert "--preload" in args and _option(args, "--timeout") == "60"


def test_the_access_log_can_be_left_to_the_proxy():
    assert _option(gunicorn_args("127.0.0.1:8000", 8), "--access-logfile") == "-"
    assert "--access-logfile" not in gunicorn_args("127.0.0.1:8000", 8, access_log=False)


WARM_UP = """
import sys
import django
django.setup()
from django.db import connections
from django.template import engines
from samskab.web.startup import warm_up
assert "samskab.consultations.views" not in sys.modules
warm_up()
loader = engines["django"].engine.template_loaders[0]
print("samskab.consultations.views" in sys.modules,
      any("respond.html" in str(key) for key in loader.get_template_cache),
      all(connection.connection is None for connection in connections.all()))
"""


def test_warm_up_loads_views_and_templates_without_touching_the_database(tmp_path):
    # In a process of its own, as gunicorn's master: nothing loaded before, and a connection
    # opened there would be shared by every forked worker.
    env = {**os.environ, "SAMSKAB_VAR_DIR": str(tmp_path), "SAMSKAB_DEBUG": "false",
           "SAMSKAB_INSECURE_HTTP": "true", "DJANGO_SETTINGS_MODULE": "samskab.settings"}
    result = subprocess.run([sys.executable, "-c", WARM_UP], env=env, capture_output=True,
                            text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True", "True"]
