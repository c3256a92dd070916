"""Reminders before and after a milestone's due date: once each, even across restarts."""

from datetime import date, timedelta

import pytest
from django.core import mail

from samskab.plans.models import PlanStatus
from samskab.tracking.models import ReminderSent
from samskab.tracking.reminders import milestone_reminders_send, overdue_milestones


def test_reminders_go_to_the_lead_agency_once(plan_2012, django_capture_on_commit_callbacks,
                                              settings):
    settings.SAMSKAB_REMINDER_DAYS_BEFORE = 14
    today = date(2012, 9, 20)  # DK0001's first milestone due 30 Sep: 10 days ahead
    with django_capture_on_commit_callbacks(execute=True):
        assert milestone_reminders_send(today=today) == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["anne@digst.example", "dk0001@gov.example"]
    assert "DK0001" in message.subject and "Udgiftsdata offentliggjort" in message.body
    # The worker restarts and runs again: nothing new.
    with django_capture_on_commit_callbacks(execute=True):
        assert milestone_reminders_send(today=today) == 0
    assert len(mail.outbox) == 1
    # After the due date: one reminder that it is overdue.
    with django_capture_on_commit_callbacks(execute=True):
        assert milestone_reminders_send(today=date(2012, 10, 2)) == 1
        assert milestone_reminders_send(today=date(2012, 10, 9)) == 0
    assert "overskredet" in mail.outbox[1].subject
    assert ReminderSent.objects.count() == 2


def test_done_milestones_and_plans_not_in_implementation_get_none(plan_2012,
                                                                  django_capture_on_commit_callbacks):
    milestone = plan_2012["c1"].milestones.first()
    milestone.status = "complete"
    milestone.save(update_fields=["status"])
    with django_capture_on_commit_callbacks(execute=True):
        assert milestone_reminders_send(today=date(2012, 9, 20)) == 0
    plan = plan_2012["plan"]
    plan.status = PlanStatus.COMPLETED
    plan.save(update_fields=["status"])
    assert milestone_reminders_send(today=date(2013, 6, 1)) == 0
    assert mail.outbox == []


def test_overdue_milestones(plan_2012):
    late = overdue_milestones(today=date(2013, 1, 15))
    assert sorted(m.title_da for m in late) == ["Lovforslag fremsat", "Udgiftsdata offentliggjort"]


@pytest.mark.django_db(transaction=True)
def test_the_worker_task_sends_once_across_restarts(run_worker, settings):
    from factories import plan_2012_world
    from samskab.tracking import tasks

    world = plan_2012_world()
    milestone = world["c1"].milestones.first()
    # Due in a week from today, in a plan being implemented.
    milestone.end = date.today() + timedelta(days=7)
    milestone.save(update_fields=["end"])
    tasks.milestone_reminders_daily.enqueue()
    run_worker()  # the worker runs it (and queues tomorrow's run)
    tasks.milestone_reminders_daily.enqueue()  # a restarted worker schedules it again
    run_worker()
    # One reminder each: this milestone's "due soon", and "overdue" for the plan's two
    # milestones whose 2012–13 dates have long passed; none twice.
    assert len(mail.outbox) == ReminderSent.objects.count() == 3
    assert ReminderSent.objects.filter(milestone=milestone, kind="before").count() == 1
    assert sum("forfalder snart" in m.subject for m in mail.outbox) == 1
