"""Follow-up work after a commit cannot be lost: the worker's sweep queues it again."""

import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from factories import ConsultationFactory, receive
from samskab.consultations import housekeeping, services, tasks
from samskab.consultations.followup import MAX_ATTEMPTS, followup_sweep
from samskab.consultations.models import Attachment, ExtractionStatus

ROOT = Path(__file__).resolve().parents[2]


def _queued(task) -> list[list]:
    from django_tasks_db.models import DBTaskResult

    from samskab.core.scheduling import task_path

    return [row["args"] for row in DBTaskResult.objects.filter(
        task_path=task_path(task), status="READY").values_list("args_kwargs", flat=True)]


def _receive_without_follow_up(**kwargs):
    """A response whose on_commit follow-up never ran (the test transaction never commits,
    exactly as when the process died after the commit)."""
    return receive(
        ConsultationFactory(), channel="web", receipt_to="aase@mail.example",
        attachments=[services.IncomingFile("svar.txt", b"Vi foreslaar aabne data.")],
        **kwargs)


@pytest.mark.django_db
def test_sweep_queues_extraction_and_receipt_left_behind_once():
    receipt = _receive_without_follow_up()
    attachment = Attachment.objects.get()
    assert _queued(tasks.attachment_extract) == [] and _queued(tasks.receipt_send) == []
    assert followup_sweep().as_dict() == {"extractions": 0, "receipts": 0}  # within grace
    later = timezone.now() + timedelta(minutes=11)
    result = followup_sweep(now=later)
    assert (result.extractions, result.receipts) == ([attachment.pk], [receipt.response_id])
    assert _queued(tasks.attachment_extract) == [[attachment.pk]]
    assert _queued(tasks.receipt_send) == [[receipt.response_id, "aase@mail.example"]]
    again = followup_sweep(now=later)  # already queued: nothing twice
    assert again.as_dict() == {"extractions": 0, "receipts": 0}


@pytest.mark.django_db
def test_sweep_requeues_a_task_whose_worker_died_but_not_a_finished_one():
    from django_tasks_db.models import DBTaskResult

    _receive_without_follow_up()
    attachment = Attachment.objects.get()
    later = timezone.now() + timedelta(minutes=11)
    followup_sweep(now=later)
    # A worker took the task and died: RUNNING for two hours.
    DBTaskResult.objects.filter(status="READY").update(
        status="RUNNING", started_at=timezone.now() - timedelta(hours=2))
    assert followup_sweep(now=later).extractions == [attachment.pk]
    tasks.attachment_extract.call(attachment.pk)
    attachment.refresh_from_db()
    assert attachment.extraction_status != ExtractionStatus.PENDING
    assert followup_sweep(now=later).extractions == []


@pytest.mark.django_db
def test_sweep_gives_up_after_repeated_failures():
    from django_tasks_db.models import DBTaskResult

    _receive_without_follow_up()
    later = timezone.now() + timedelta(minutes=11)
    for _attempt in range(MAX_ATTEMPTS):
        assert followup_sweep(now=later).extractions
        DBTaskResult.objects.filter(status="READY").update(status="FAILED")
    assert followup_sweep(now=later).as_dict() == {"extractions": 0, "receipts": 0}


@pytest.mark.django_db
def test_no_receipt_is_owed_without_an_address_or_for_old_responses():
    receive(ConsultationFactory(), channel="web",
            respondent=services.RespondentData(kind="citizen", name="Uden adresse"))
    receive(ConsultationFactory(), channel="web",
            received_at=timezone.now() - timedelta(days=3))
    assert followup_sweep(now=timezone.now() + timedelta(hours=1)).receipts == []


@pytest.mark.django_db
def test_periodic_sweep_is_scheduled_by_the_worker_and_reschedules_itself():
    housekeeping.periodic_schedule()
    assert _queued(housekeeping.followup_sweep_periodic) == [[]]
    assert housekeeping.followup_sweep_periodic.call() == {"extractions": 0, "receipts": 0}


CRASH = """
import os, sys
sys.path.insert(0, {tests!r})
import django
django.setup()
from django.db import transaction
from factories import ConsultationFactory
from samskab.consultations import services

consultation = ConsultationFactory(slug="crash")
with transaction.atomic():
    # Runs first after the commit, before response_receive's own hook can enqueue anything.
    transaction.on_commit(lambda: os._exit(137))
    services.response_receive(
        consultation=consultation, text="Vi foreslår åbne data.", channel="web",
        respondent=services.RespondentData(name="Åse", email="aase@mail.example"),
        attachments=[services.IncomingFile("svar.txt", "Åbne data nu.".encode())],
        receipt_to="aase@mail.example")
print("not reached")
"""

STATE = """
import json, django
django.setup()
from django_tasks_db.models import DBTaskResult
from samskab.consultations.models import Attachment, Response
print(json.dumps({{
    "responses": Response.objects.count(),
    "attachment": Attachment.objects.get().extraction_status,
    "text": Attachment.objects.get().extracted_text,
    "tasks": sorted(DBTaskResult.objects.values_list("task_path", "status")),
}}))
"""


@pytest.mark.slow
def test_a_process_killed_between_commit_and_enqueue_loses_nothing(tmp_path):
    env = {**os.environ, "SAMSKAB_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE":
           "samskab.settings", "SAMSKAB_FOLLOWUP_GRACE_MINUTES": "0",
           "SAMSKAB_EMAIL_BACKEND": "console"}
    env.pop("DATABASE_URL", None)  # a database of its own (SQLite in tmp_path)
    samskab = [sys.executable, "-m", "samskab.cli"]

    def run(*args, code=None):
        command = [sys.executable, "-c", code] if code else [*samskab, *args]
        return subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True,
                              timeout=300, check=False)

    assert run("migrate", "--verbosity", "0").returncode == 0
    crashed = run(code=CRASH.format(tests=str(ROOT / "tests")))
    assert crashed.returncode == 137, crashed.stderr[-2000:]
    assert "not reached" not in crashed.stdout
    state = json.loads(run(code=STATE.format()).stdout)
    assert state["responses"] == 1 and state["attachment"] == "pending"
    assert state["tasks"] == []  # committed, but nothing was queued

    # The worker's periodic sweep (what `samskab worker` schedules at start) recovers it.
    schedule = ("import django; django.setup(); from samskab.core import scheduling; "
                "from samskab.consultations import housekeeping; "
                "scheduling.ensure_scheduled(housekeeping.followup_sweep_periodic)")
    assert run(code=schedule).returncode == 0
    worker = run("worker", "--batch")
    assert worker.returncode == 0, worker.stderr[-2000:]
    state = json.loads(run(code=STATE.format()).stdout)
    assert state["attachment"] == "ok" and "Åbne data nu." in state["text"]
    statuses = {path.rsplit(".", 1)[-1]: status for path, status in state["tasks"]
                    if "followup" not in path}
    assert statuses == {"attachment_extract": "SUCCESSFUL", "receipt_send": "SUCCESSFUL"}
    assert "To: aase@mail.example" in worker.stdout  # the receipt e-mail (console backend)
