from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the background task worker (text extraction, OCR, analysis, mail, documents)."

    def add_arguments(self, parser):
        parser.add_argument("--batch", action="store_true",
                            help="run all waiting tasks, then exit")

    def handle(self, *args, batch, **options):
        from samskab.consultations.tasks import periodic_schedule
        from samskab.core import scheduling
        from samskab.insights.tasks import analysis_poll
        from samskab.publishing.tasks import periodic_schedule as publishing_schedule
        from samskab.tracking.tasks import periodic_schedule as tracking_schedule

        if not batch:
            periodic_schedule()
            publishing_schedule()
            scheduling.ensure_scheduled(analysis_poll)
            tracking_schedule()
        call_command("db_worker", queue_name="*", batch=batch, no_startup_delay=True,
                     reload=False, verbosity=options.get("verbosity", 1))
