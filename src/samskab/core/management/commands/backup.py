from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from samskab.core.backup import BackupError, backup_write


class Command(BaseCommand):
    help = ("Back up everything (the database and every stored file, attachments included) "
            "as one file, consistently while the server runs: samskab backup FILE "
            "(.tar, or .tar.gz to compress).")

    def add_arguments(self, parser):
        parser.add_argument("file", help="the backup file to write")
        parser.add_argument("--force", action="store_true", help="overwrite FILE if it exists")

    def handle(self, *args, file, force, **options):
        path = Path(file)
        if path.exists() and not force:
            raise CommandError(f"{path} exists; use --force to overwrite it", returncode=2)
        try:
            report = backup_write(path, progress=self.stderr.write)
        except BackupError as error:
            raise CommandError(str(error), returncode=2 if error.usage else 1) from None
        rows = sum(report.tables.values())
        self.stdout.write(
            f"{path}\t{len(report.tables)} tables\t{rows} rows\t{report.files} files\t"
            f"{report.bytes} bytes"
        )
