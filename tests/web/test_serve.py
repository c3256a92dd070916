"""`samskab serve`'s gunicorn command line (the server itself runs in tests/web/test_crash.py)."""

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
