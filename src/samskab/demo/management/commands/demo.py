import os
import subprocess
import sys

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand

from samskab.core import accounts
from samskab.demo.install import demo_install
from samskab.web.management.commands.serve import gunicorn_args


class Command(BaseCommand):
    help = "Migrate, load the demo (idempotent) and serve it on 127.0.0.1."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--no-serve", action="store_true", help="load the demo and exit")

    def handle(self, *args, port, no_serve, **options):
        call_command("migrate", interactive=False, verbosity=0)
        installed = demo_install(progress=self.stderr.write)
        summary, published, tracking = (installed.summary, installed.published,
                                        installed.tracking)
        device = accounts.totp_device_ensure(
            get_user_model().objects.get(username=summary.username))
        self.stdout.write(
            f"Demo ready: {summary.consultations} consultations, {summary.responses_total} "
            f"responses in ogp-2012 ({summary.responses_created} new, {published} published "
            f"now).\n"
            f"Action plan in implementation: {tracking.updates} progress updates, "
            f"{tracking.foreign} commitments of other countries imported.\n"
            f"Staff login: {summary.username} / {summary.password}  (http://127.0.0.1:{port}/login/)\n"
            f"Two-factor key for an authenticator app: {accounts.device_secret(device)}\n"
            f"  ({device.config_url})\n"
            f"  or print the current code with: samskab demo-otp"
        )
        if no_serve:
            return
        call_command("collectstatic", interactive=False, verbosity=0)
        # The demo is served over plain HTTP on loopback: no HTTPS redirect, HSTS or secure
        # cookies, and the generated secret key will do (see settings, SAMSKAB_INSECURE_HTTP).
        os.environ["SAMSKAB_INSECURE_HTTP"] = "true"
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
