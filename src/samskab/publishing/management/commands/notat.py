from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from samskab.consultations.models import Consultation
from samskab.publishing.notat import notat_build
from samskab.publishing.notat_documents import FORMATS, render


class Command(BaseCommand):
    help = "Write the høringsnotat of a consultation: samskab notat SLUG --format pdf -o FILE"

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--format", choices=FORMATS, default="html")
        parser.add_argument("-o", "--output", required=True, help="file to write")

    def handle(self, *args, slug, format, output, **options):
        consultation = Consultation.objects.filter(slug=slug).first()
        if consultation is None:
            raise CommandError(f"no consultation with the slug {slug!r}", returncode=2)
        data = notat_build(consultation)
        Path(output).write_bytes(render(data, format))
        self.stderr.write(
            f"høringsnotat written to {output} ({format}; {data.total} responses, "
            f"{len(data.sections)} sections)"
        )
