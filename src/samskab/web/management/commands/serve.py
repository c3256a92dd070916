import os
import sys

from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError


def default_workers() -> int:
    """Four sync workers per core: a worker waits on the database part of the time, and up to
    SAMSKAB_API_BATCH_SLOTS batch calls run while other batch calls wait for a slot holding
    their worker without CPU, so the response form still finds free workers (docs/operations.md,
    The deadline peak)."""
    return 4 * (os.cpu_count() or 1)


def gunicorn_args(bind: str, workers: int, *, threads: int = 1,
                  access_log: bool = True) -> list[str]:
    """gunicorn serving Samskab with sync workers (see design.md, Scale); with `threads` above
    one, gthread workers of that many threads (compared in bench/intake.py --servers).
    `access_log=False` leaves out gunicorn's access log (about 0.1-0.2 ms of CPU a request),
    for a deployment whose HTTPS proxy logs every request already."""
    worker_class = ["--worker-class", "sync"] if threads <= 1 else [
        "--worker-class", "gthread", "--threads", str(threads)]
    return [
        sys.executable, "-m", "gunicorn", "samskab.wsgi:application",
        "--bind", bind, "--workers", str(workers), *worker_class,
        # Django is imported and set up once in the master, before the workers fork: a worker
        # (re)started at the deadline answers at once and shares the loaded code's memory.
        "--preload",
        *(["--access-logfile", "-"] if access_log else []), "--timeout", "60",
    ]


def run_gunicorn(bind: str, workers: int, *, access_log: bool = True) -> None:
    """Replace this process with gunicorn."""
    os.execv(sys.executable,  # noqa: S606 - fixed arguments
             gunicorn_args(bind, workers, access_log=access_log))


class Command(BaseCommand):
    help = "Serve Samskab with gunicorn (production web server)."

    def add_arguments(self, parser):
        parser.add_argument("--bind", default="127.0.0.1:8000", help="HOST:PORT to listen on")
        parser.add_argument("--workers", type=int, default=None,
                            help="gunicorn worker processes (default: 4 per CPU core)")
        parser.add_argument("--no-collectstatic", action="store_true",
                            help="skip collecting static files first")
        parser.add_argument("--no-access-log", action="store_true",
                            help="no access log on standard output (when the HTTPS proxy in "
                                 "front logs every request already)")

    def handle(self, *args, bind, workers, no_collectstatic, no_access_log, **options):
        from django.conf import settings

        from samskab.web.startup import refuse_insecure_start

        try:
            refuse_insecure_start(settings)
        except ImproperlyConfigured as error:
            raise CommandError(str(error)) from error
        if not no_collectstatic:
            call_command("collectstatic", interactive=False, verbosity=0)
        run_gunicorn(bind, workers or default_workers(), access_log=not no_access_log)
