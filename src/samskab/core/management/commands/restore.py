from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from samskab.core.backup import BackupError, referenced_files_missing, restore_read


class Command(BaseCommand):
    help = ("Restore a backup made by `samskab backup` into an empty installation, verify "
            "every table's row count and every file's sha256, then migrate: "
            "samskab restore FILE")

    def add_arguments(self, parser):
        parser.add_argument("file", help="the backup file to read")
        parser.add_argument("--no-migrate", action="store_true",
                            help="leave the restored database at the backup's migrations")

    def handle(self, *args, file, no_migrate, **options):
        try:
            report = restore_read(Path(file), progress=self.stderr.write)
        except BackupError as error:
            raise CommandError(str(error), returncode=2 if error.usage else 1) from None
        report.problems += [f"missing file: {m}" for m in referenced_files_missing()]
        if report.problems:
            for problem in report.problems:
                self.stderr.write(problem)
            raise CommandError(f"the restore does not match the backup "
                               f"({len(report.problems)} problems above)")
        rows = sum(report.tables.values())
        self.stderr.write(f"verified: {len(report.tables)} tables, {rows} rows, "
                          f"{report.files} files (sha256)")
        if not no_migrate:
            call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write(f"{file}\t{len(report.tables)} tables\t{rows} rows\t"
                          f"{report.files} files\trestored")
