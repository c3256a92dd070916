from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from samskab.core.actions import SystemActor
from samskab.tracking.services import foreign_commitments_import, similar_commitments_refresh


class Command(BaseCommand):
    help = (
        "Import OGP's public commitment data (CSV in OGP's column layout): "
        "`samskab import-ogp FILE [--dry-run]`. Rows it cannot read are reported with their "
        "line and reason and skipped; the others go in (updated by OGP id when seen before), "
        "then every commitment's most similar commitments abroad are found again. "
        "Exit 0, or 3 when some rows were skipped."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="OGP's commitment data as .csv")
        parser.add_argument("--dry-run", action="store_true",
                            help="read and compare only: nothing is stored")

    def handle(self, *args, file, dry_run, **options):
        path = Path(file)
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"cannot read {file}: {error.strerror}", returncode=2) from None
        try:
            report = foreign_commitments_import(actor=SystemActor("cli"), data=data,
                                                source_name=path.name, dry_run=dry_run)
        except ValueError as error:
            raise CommandError(f"{path.name}: {error}", returncode=2) from None
        for problem in report.problems:
            self.stderr.write(str(problem))
        verb = "would be " if dry_run else ""
        self.stdout.write(f"{report.rows} rows in {path.name}: {report.created} {verb}created, "
                          f"{report.updated} {verb}updated, {report.unchanged} unchanged, "
                          f"{len(report.skipped)} skipped, "
                          f"{len(report.problems) - len(report.skipped)} warnings")
        if dry_run:
            self.stdout.write("dry run: nothing was stored")
        else:
            matches = similar_commitments_refresh()
            self.stdout.write(f"{matches} similar commitments found for our commitments")
        if report.skipped:
            raise CommandError(f"{len(report.skipped)} of {report.rows} rows were skipped",
                               returncode=3)
