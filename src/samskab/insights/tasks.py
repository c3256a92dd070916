"""Background work of the analysis app (run by `samskab worker`).

How analysis is triggered (docs/insights.md):
- a full run: the staff button, `samskab analyse-consultation SLUG [--enqueue]`, the demo;
- new responses: `samskab analyse-consultation --new [SLUG] --enqueue` (from cron or a systemd
  timer, e.g. every minute) queues `response_analyse_task` for each response the engine has not
  seen; the staff button "Analysér nye svar" does the same for one consultation;
- staff tag decisions queue `tag_feedback_task`, which teaches the saved analyser;
- `samskab worker` keeps `analysis_poll` queued: every SAMSKAB_ANALYSIS_POLL_SECONDS it
  analyses the new responses of every consultation that is open or closed less than 120 days
  ago (late e-mail), so no cron job is needed.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.tasks import task
from django.utils import timezone

from samskab.consultations.models import Consultation, Response
from samskab.core import scheduling

RECENTLY_CLOSED = timedelta(days=120)


@task()
def consultation_analyse_task(consultation_id: int, user_id: int | None = None) -> dict:
    """Analyse a whole consultation (idempotent: a rerun keeps staff decisions); the engine
    runs at a lower CPU priority so the web workers are served first (``ANALYSIS_NICE``)."""
    from samskab.insights.services import consultation_analyse

    consultation = Consultation.objects.get(pk=consultation_id)
    actor = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    run = consultation_analyse(consultation=consultation, actor=actor)
    return {"run": run.pk, "groups": run.summary.get("groups"),
            "ideas": run.summary.get("ideas")}


@task()
def response_analyse_task(response_id: int) -> int | None:
    """Analyse one new response against the saved state (a no-op when already analysed)."""
    from samskab.insights.services import AnalysisBusy, response_analyse

    response = Response.objects.select_related("consultation").get(pk=response_id)
    try:
        run = response_analyse(response=response)
    except AnalysisBusy:
        return None  # a full run is storing; it leaves the response to the sweep
    return run.pk if run else None


@task()
def consultation_analyse_new_task(consultation_id: int) -> int:
    """Analyse every response not analysed yet against the saved state, in one pass."""
    from samskab.insights.selectors import responses_pending
    from samskab.insights.services import AnalysisBusy, responses_analyse

    consultation = Consultation.objects.get(pk=consultation_id)
    pending = list(responses_pending(consultation))
    if pending:
        try:
            responses_analyse(consultation=consultation, responses=pending)
        except AnalysisBusy:
            return 0  # a full run is storing; the sweep takes them after it
    return len(pending)


@task()
def tag_feedback_task(consultation_id: int) -> int:
    """Teach the saved analyser the staff's tag decisions it has not learnt yet."""
    from samskab.insights.services import AnalysisBusy, tag_feedback_apply

    try:
        return tag_feedback_apply(consultation=Consultation.objects.get(pk=consultation_id))
    except AnalysisBusy:  # a full run is storing: try again in a minute
        tag_feedback_task.using(run_after=timezone.now() + timedelta(seconds=60)).enqueue(
            consultation_id)
        return 0


@task()
def analysis_poll() -> dict[str, int]:
    """Analyse the responses no run has seen yet, consultation by consultation; then queue
    the next poll (also after a failure)."""
    from samskab.insights.selectors import responses_pending
    from samskab.insights.services import AnalysisBusy, responses_analyse

    done: dict[str, int] = {}
    try:
        now = timezone.now()
        current = Consultation.objects.filter(opens_at__lte=now,
                                              closes_at__gt=now - RECENTLY_CLOSED)
        for consultation in current:
            pending = list(responses_pending(consultation))
            if pending:
                try:
                    responses_analyse(consultation=consultation, responses=pending)
                except AnalysisBusy:
                    continue  # a full run is storing: the next poll takes them
                done[consultation.slug] = len(pending)
    finally:
        scheduling.schedule_next(analysis_poll, seconds=settings.SAMSKAB_ANALYSIS_POLL_SECONDS)
    return done
