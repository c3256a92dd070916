import subprocess
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand

from samskab.demo.load import demo_load
from samskab.demo.publish import demo_notat_publish, demo_publish
from samskab.insights.demo import demo_analyse
from samskab.plans.demo import demo_plan
from samskab.tracking.demo import demo_tracking
from samskab.web.management.commands.serve import gunicorn_args


class Command(BaseCommand):
    help = "Migrate, load the demo (idempotent) and serve it on 127.0.0.1."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--no-serve", action="store_true", help="load the demo and exit")

    def handle(self, *args, port, no_serve, **options):
        call_command("migrate", interactive=False, verbosity=0)
        self.stderr.write("Loading the demo …")
        summary = demo_load()
        self.stderr.write("Extracting attachment text (OCR included) …")
        call_command("worker", batch=True, verbosity=0)
        demo_analyse()
        published = demo_publish()
        demo_plan()
        tracking = demo_tracking()
        # After the plan: the notat's positions name the commitments they became.
        self.stderr.write("Publishing the høringsnotat …")
        demo_notat_publish()
        self.stdout.write(
            f"Demo ready: {summary.consultations} consultations, {summary.responses_total} "
            f"responses in ogp-2012 ({summary.responses_created} new, {published} published "
            f"now).\n"
            f"Action plan in implementation: {tracking.updates} progress updates, "
            f"{tracking.foreign} commitments of other countries imported.\n"
            f"Staff login: {summary.username} / {summary.password}  (http://127.0.0.1:{port}/login/)"
        )
        if no_serve:
            return
        call_command("collectstatic", interactive=False, verbosity=0)
        self.stdout.write(f"Serving on http://127.0.0.1:{port}/ (Ctrl-C stops)")
        self.stdout.flush()
        # The worker extracts text from attachments sent through the form while the demo runs.
        worker = subprocess.Popen([sys.executable, "-m", "samskab.cli", "worker"])  # noqa: S603
        server = subprocess.Popen(gunicorn_args(f"127.0.0.1:{port}", 2))  # noqa: S603
        try:
            server.wait()
        except KeyboardInterrupt:
            server.terminate()
        finally:
            worker.terminate()
            server.wait()
            worker.wait()
