from django.core.management.base import BaseCommand, CommandError

from samskab.consultations import exports
from samskab.consultations.models import Consultation
from samskab.publishing import selectors


class Command(BaseCommand):
    """The public form reads through the public read model (publishing.selectors); the private
    form (staff use) is consultations' own."""

    help = "Export records: `samskab export responses SLUG [--format jsonl|csv] [--private]`."

    def add_arguments(self, parser):
        parser.add_argument("what", choices=["responses"], help="what to export")
        parser.add_argument("slug", help="the consultation's short name, e.g. ogp-2012")
        parser.add_argument("--format", choices=["jsonl", "csv"], default="jsonl")
        parser.add_argument("--private", action="store_true",
                            help="staff use: add name, e-mail and the unredacted text")
        parser.add_argument("-o", "--output", help="write to this file instead of stdout")

    def handle(self, *args, what, slug, format, private, output, **options):
        try:
            consultation = Consultation.objects.get(slug=slug)
        except Consultation.DoesNotExist:
            raise CommandError(f"no consultation with the slug {slug!r}", returncode=2) from None
        records = (exports.private_records(consultation) if private
                   else selectors.response_records(consultation))
        self.stdout.ending = ""
        stream = open(output, "w", encoding="utf-8", newline="") if output else self.stdout  # noqa: SIM115
        try:
            if format == "csv":
                count = exports.write_csv(records, stream, private=private)
            else:
                count = exports.write_jsonl(records, stream)
        finally:
            if output:
                stream.close()
        self.stderr.write(f"{count} responses exported")
