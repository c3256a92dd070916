from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from samskab.consultations.intake import files
from samskab.consultations.models import Consultation


class Command(BaseCommand):
    help = (
        "Import responses from a file: `samskab import-responses SLUG FILE [--dry-run]`. "
        "FILE is .jsonl, .csv or .xlsx with the contract's column names (id and text required). "
        "Exit 0, or 3 when some rows were rejected (each reported with its row number)."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help="the consultation's short name, e.g. ogp-2012")
        parser.add_argument("file", help="a .jsonl, .csv or .xlsx file")
        parser.add_argument(
            "--dry-run", action="store_true",
            help="check every row as an import would, then roll back: nothing is stored",
        )
        parser.add_argument(
            "--batch-size", type=int, default=500,
            help="rows committed per transaction (default 500)",
        )

    def handle(self, *args, slug, file, dry_run, batch_size, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1", returncode=2)
        try:
            consultation = Consultation.objects.get(slug=slug)
        except Consultation.DoesNotExist:
            raise CommandError(f"no consultation with the slug {slug!r}", returncode=2) from None

        def rejected(rejection: files.Rejection) -> None:
            where = f"row {rejection.number}"
            if rejection.row_id:
                where += f" (id {rejection.row_id})"
            self.stderr.write(f"{where}: rejected: {rejection.code}: {rejection.message}")

        def progress(report: files.ImportReport) -> None:
            self.stderr.write(
                f"{report.rows} rows read: {report.imported} new, {report.duplicates} "
                f"duplicates, {len(report.rejected)} rejected"
            )

        try:
            report = files.responses_import(
                consultation=consultation, path=Path(file), dry_run=dry_run,
                batch_size=batch_size, on_rejected=rejected, on_progress=progress,
            )
        except files.FileUnreadable as error:
            raise CommandError(str(error), returncode=2) from None

        verb = "would be imported" if dry_run else "imported"
        self.stdout.write(f"{report.rows} rows in {Path(file).name}")
        self.stdout.write(f"{report.imported} {verb} ({report.late} of them late)")
        self.stdout.write(f"{report.duplicates} duplicates (already imported, nothing new)")
        self.stdout.write(f"{len(report.rejected)} rejected")
        for rejection in report.rejected:
            self.stdout.write(
                f"  row {rejection.number}\t{rejection.row_id}\t{rejection.code}\t"
                f"{rejection.message}"
            )
        if dry_run:
            self.stdout.write("dry run: nothing was stored")
        if report.rejected:
            raise CommandError(
                f"{len(report.rejected)} of {report.rows} rows were rejected", returncode=3
            )
