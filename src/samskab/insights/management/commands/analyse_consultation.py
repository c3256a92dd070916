"""`samskab analyse-consultation`: run the analysis of consultations stored in the database.

    samskab analyse-consultation SLUG            full run now; prints a summary (a progress
                                                 bar on stderr when it is a terminal)
    samskab analyse-consultation SLUG --new      only responses not analysed yet, now
    samskab analyse-consultation --open --new --enqueue
                                                 queue the new responses of every open
                                                 consultation (for cron / a systemd timer)
"""

import resource
import time

from django.core.management.base import BaseCommand, CommandError

from samskab.consultations.models import Consultation
from samskab.insights import services


class Command(BaseCommand):
    help = "Analyse a consultation's responses (groups, proposals, ideas, tags) and store them."

    def add_arguments(self, parser):
        parser.add_argument("slug", nargs="?", help="the consultation's slug")
        parser.add_argument("--open", action="store_true",
                            help="every open consultation instead of one")
        parser.add_argument("--new", action="store_true",
                            help="only responses the analysis has not seen yet")
        parser.add_argument("--enqueue", action="store_true",
                            help="queue the work for `samskab worker` instead of doing it now")

    def handle(self, *args, slug, open, new, enqueue, **options):
        if bool(slug) == bool(open):
            raise CommandError("give a consultation SLUG or --open")
        if slug:
            consultation = Consultation.objects.filter(slug=slug).first()
            if consultation is None:
                raise CommandError(f"no consultation with slug {slug!r}")
            consultations = [consultation]
        else:
            consultations = list(Consultation.objects.open())
        for consultation in consultations:
            if new:
                n = services.consultation_analyse_pending(consultation=consultation,
                                                          enqueue=enqueue)
                verb = "queued" if enqueue else "analysed"
                self.stdout.write(f"{consultation.slug}\t{n} new responses {verb}")
            elif enqueue:
                services.consultation_analyse_enqueue(consultation=consultation)
                self.stdout.write(f"{consultation.slug}\tfull analysis queued")
            else:
                bar = _ProgressBar(self.stderr) if self.stderr.isatty() else None
                run = services.consultation_analyse(consultation=consultation, progress=bar)
                if bar is not None:
                    bar.close()
                s = run.summary
                self.stdout.write(
                    f"{consultation.slug}\t{s.get('responses', 0)} responses\t"
                    f"{s.get('groups', 0)} groups ({s.get('grouped_responses', 0)} responses)\t"
                    f"{s.get('proposals', 0)} proposals\t{s.get('ideas', 0)} ideas\t"
                    f"{s.get('total_seconds', 0)} s")


class _ProgressBar:
    """One line on a terminal: stage, bar, counts, elapsed time and peak memory."""

    STAGES = {"read": "reading", "engine": "analysing", "store": "storing"}

    def __init__(self, stream, width: int = 30):
        self.stream = stream
        self.width = width
        self.started = time.monotonic()

    def __call__(self, stage: str, done: int, total: int) -> None:
        filled = int(self.width * done / total) if total else self.width
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        counts = f"{done:,}/{total:,}" if stage == "read" else f"{done}/{total}"
        bar = "#" * filled
        line = (f"\r{self.STAGES.get(stage, stage):10} [{bar:<{self.width}}] {counts:>20}  "
                f"{time.monotonic() - self.started:7.1f} s  peak {peak_mb:,.0f} MB")
        self.stream.write(line, style_func=str, ending="")
        self.stream.flush()

    def close(self) -> None:
        self.stream.write("", style_func=str)
        self.stream.flush()
