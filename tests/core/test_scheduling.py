import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from samskab.consultations import housekeeping as tasks
from samskab.consultations.intake.poll import mailbox_poll
from samskab.core import scheduling

pytestmark = pytest.mark.django_db


def _waiting(task):
    return DBTaskResult.objects.filter(task_path=scheduling.task_path(task), status="READY")


def test_ensure_scheduled_queues_once():
    scheduling.ensure_scheduled(tasks.attachment_files_sweep_daily)
    scheduling.ensure_scheduled(tasks.attachment_files_sweep_daily)
    assert _waiting(tasks.attachment_files_sweep_daily).count() == 1


def test_a_periodic_task_queues_its_next_run():
    assert tasks.attachment_files_sweep_daily.call() == 0
    waiting = _waiting(tasks.attachment_files_sweep_daily).get()
    assert waiting.run_after > timezone.now() + timezone.timedelta(hours=23)


def test_worker_start_schedules_the_periodic_work(settings):
    from samskab.insights.tasks import analysis_poll

    settings.SAMSKAB_IMAP_URL = ""
    tasks.periodic_schedule()
    scheduling.ensure_scheduled(analysis_poll)
    assert _waiting(tasks.attachment_files_sweep_daily).count() == 1
    assert _waiting(analysis_poll).count() == 1
    assert not _waiting(mailbox_poll).exists()


def test_analysis_poll_analyses_new_responses_of_open_consultations(settings, tmp_path):
    from factories import ConsultationFactory, receive
    from samskab.insights.models import AnalysedResponse
    from samskab.insights.tasks import analysis_poll

    settings.VAR_DIR = tmp_path
    consultation = ConsultationFactory()
    for text in ("Vi foreslår åbne data om budgetter.", "Gør grunddata gratis for alle."):
        receive(consultation, text=text)
    assert analysis_poll.call() == {consultation.slug: 2}
    assert AnalysedResponse.objects.count() == 2
    assert analysis_poll.call() == {}
