"""`samskab analysis-export SLUG --out DIR`: the stored analysis, staff decisions included."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from samskab.consultations.models import Consultation
from samskab.insights.exports import analysis_export


class Command(BaseCommand):
    help = ("Write a consultation's stored analysis (responses, groups, ideas with positions) "
            "as JSONL files in DIR.")

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--out", required=True, type=Path, help="directory to write to")

    def handle(self, *args, slug, out, **options):
        consultation = Consultation.objects.filter(slug=slug).first()
        if consultation is None:
            raise CommandError(f"no consultation with slug {slug!r}")
        counts = analysis_export(consultation=consultation, directory=out)
        for name, n in counts.items():
            self.stdout.write(f"{out / (name + '.jsonl')}\t{n}")
