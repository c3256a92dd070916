from datetime import timedelta

from django.core.management.base import BaseCommand

from samskab.consultations.housekeeping import attachment_files_sweep


class Command(BaseCommand):
    help = ("List attachment files no response points to (left by rolled-back transactions); "
            "--apply deletes them.")

    def add_arguments(self, parser):
        parser.add_argument("--apply", action="store_true", help="delete them (default: list)")
        parser.add_argument("--older-than-minutes", type=int, default=60)

    def handle(self, *args, apply, older_than_minutes, **options):
        orphans = attachment_files_sweep(older_than=timedelta(minutes=older_than_minutes),
                                         apply=apply)
        for path in orphans:
            self.stdout.write(path)
        verb = "deleted" if apply else "would delete (use --apply)"
        self.stderr.write(f"{len(orphans)} orphaned attachment files {verb}")
