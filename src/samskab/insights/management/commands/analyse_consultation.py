"""`samskab analyse-consultation`: run the analysis of consultations stored in the database.

    samskab analyse-consultation SLUG            full run now; prints a summary (progress
                                                 on stderr: a bar on a terminal, else a
                                                 line per step and at most one per 10 s)
    samskab analyse-consultation SLUG --new      only responses not analysed yet, now
    samskab analyse-consultation --open --new --enqueue
                                                 queue the new responses of every open
                                                 consultation (for cron / a systemd timer)
"""

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
        parser.add_argument("--nice", type=int, default=services.ANALYSIS_NICE,
                            help="run the engine at this lower CPU priority (niceness; "
                                 f"default {services.ANALYSIS_NICE}), so answers arriving "
                                 "meanwhile are served first; 0 keeps the priority")
        parser.add_argument("--no-progress", dest="progress", action="store_false",
                            help="no progress on stderr (a bar on a terminal, else lines)")

    def handle(self, *args, slug, open, new, enqueue, nice, progress, **options):
        if bool(slug) == bool(open):
            raise CommandError("give a consultation SLUG or --open")
        self._handle(slug, open, new, enqueue, progress, nice)

    def _handle(self, slug, open, new, enqueue, progress, nice):
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
                bar = Progress(self.stderr, tty=self.stderr.isatty()) if progress else None
                try:
                    run = services.consultation_analyse(consultation=consultation,
                                                        progress=bar, nice=nice)
                finally:
                    if bar is not None:
                        bar.close()
                s = run.summary
                self.stdout.write(
                    f"{consultation.slug}\t{s.get('responses', 0)} responses\t"
                    f"{s.get('groups', 0)} groups ({s.get('grouped_responses', 0)} responses)\t"
                    f"{s.get('proposals', 0)} proposals\t{s.get('ideas', 0)} ideas\t"
                    f"{s.get('total_seconds', 0)} s")


class Progress:
    """How far a full run is, on ``stream``: on a terminal one line redrawn in place (stage,
    bar, counts, the step or the engine's message, elapsed time, peak memory); otherwise
    plain lines, one when a stage or step begins and then at most one every ``every``
    seconds, so a log file shows the run's progress without a line per chunk."""

    STAGES = {"read": "reading", "engine": "analysing", "texts": "analysing",
              "store": "storing"}

    def __init__(self, stream, *, tty: bool, width: int = 30, every: float = 10.0,
                 clock=time.monotonic):
        self.stream = stream
        self.tty = tty
        self.width = width
        self.every = every
        self.clock = clock
        self.started = clock()
        self.last_line = float("-inf")
        self.last_step: tuple[str, str] | None = None
        self.drawn = False

    def __call__(self, stage: str, done: int, total: int, note: str = "") -> None:
        now = self.clock()
        name = self.STAGES.get(stage, stage)
        counts = f"{done:,}/{total:,}"
        peak_mb = services.peak_mb()
        if self.tty:
            filled = int(self.width * done / total) if total else self.width
            line = (f"\r{name:10} [{'#' * filled:<{self.width}}] {counts:>19} "
                    f"{note[:34]:34} {now - self.started:7.1f} s  peak {peak_mb:,.0f} MB"
                    "\x1b[K")
            self.stream.write(line, style_func=str, ending="")
            self.stream.flush()
            self.drawn = True
            return
        step = (stage, note)
        if step == self.last_step and now - self.last_line < self.every and done < total:
            return
        self.last_step, self.last_line = step, now
        parts = [name, note, counts, f"{100 * done / total:.1f} %" if total else "",
                 f"{now - self.started:.1f} s", f"peak {peak_mb:,.0f} MB"]
        self.stream.write(" ".join(p for p in parts if p), style_func=str)
        self.stream.flush()

    def close(self) -> None:
        if self.tty and self.drawn:
            self.stream.write("", style_func=str)
            self.stream.flush()
