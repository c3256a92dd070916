"""The whole demo, as `samskab demo` installs it: data, extracted text, analysis, publication,
the action plan.

Idempotent: a second run on the same day changes no row (tested: every table's rows compared
before and after). Each step only does what is missing: responses come with idempotency keys,
extraction runs only for queued work, the analysis runs when there is none yet or the demo
brought new responses, publication picks the same responses every time, and the demo action
plan and its implementation story are left alone once they exist.
"""

from dataclasses import dataclass
from typing import Any

from django.core.management import call_command

from samskab.demo.load import DemoSummary, demo_load
from samskab.demo.publish import demo_notat_publish, demo_publish


@dataclass
class DemoInstall:
    summary: DemoSummary
    analysed: bool
    published: int
    tracking: Any = None  # tracking.demo.TrackingSummary


def demo_install(*, progress=None) -> DemoInstall:
    from samskab.insights.demo import DEMO_SLUG, demo_analyse
    from samskab.insights.models import AnalysisRun

    say = progress or (lambda _message: None)
    say("Loading the demo …")
    summary = demo_load()
    say("Extracting attachment text (OCR included) …")
    call_command("worker", batch=True, verbosity=0)
    analysed = bool(summary.responses_created) or not AnalysisRun.objects.filter(
        consultation__slug=DEMO_SLUG, finished_at__isnull=False).exists()
    if analysed:
        say("Analysing the responses …")
        demo_analyse()
    published = demo_publish()
    from samskab.plans.demo import demo_plan

    say("Building the demo action plan …")
    demo_plan()
    from samskab.tracking.demo import demo_tracking

    say("Telling the plan's implementation …")
    tracking = demo_tracking()
    # After the plan: the notat's positions name the commitments they became.
    say("Publishing the høringsnotat …")
    demo_notat_publish()
    # What the steps queued (the published notat's files, …) is done now, so a second run
    # finds no work left over and changes nothing.
    call_command("worker", batch=True, verbosity=0)
    return DemoInstall(summary=summary, analysed=analysed, published=published,
                       tracking=tracking)
