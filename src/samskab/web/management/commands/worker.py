from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the background task worker (text extraction, OCR, analysis, mail, documents)."

    def add_arguments(self, parser):
        parser.add_argument("--batch", action="store_true",
                            help="run all waiting tasks, then exit")

    def handle(self, *args, batch, **options):
        from samskab.consultations.tasks import (
            attachment_files_sweep_schedule,
            mailbox_poll_schedule,
        )

        if not batch:
            mailbox_poll_schedule()
            attachment_files_sweep_schedule()
        call_command("db_worker", queue_name="*", batch=batch, no_startup_delay=True,
                     reload=False, verbosity=options.get("verbosity", 1))
