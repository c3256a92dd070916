"""`samskab reindex`: rebuild the full-text index of responses and attachments."""

import time

from django.core.management.base import BaseCommand
from django.db import transaction

from samskab.consultations.models import Response
from samskab.workspace import search


class Command(BaseCommand):
    help = "Rebuild the full-text search index of responses and their attachments' text."

    def handle(self, *args, **options):
        started = time.monotonic()
        with transaction.atomic():
            vendor = search.rebuild()
        count = Response.objects.count()
        self.stdout.write(
            f"reindexed {count} responses on {vendor} in {time.monotonic() - started:.1f} s"
        )
