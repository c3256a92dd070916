"""Reminder e-mails to lead agencies before and after a milestone's due date.

Run daily by the worker (`tasks.milestone_reminders_daily`). A milestone of a plan in
implementation that is neither complete nor withdrawn gets one reminder when its due date is
at most `SAMSKAB_REMINDER_DAYS_BEFORE` days away and one when it has passed. Each is marked in
`ReminderSent` (unique per milestone, kind and due date) in the same transaction that queues
the mail, and the mail leaves only after that commit: a restart or a second worker never sends
one twice (at most once; a moved due date earns new reminders).
"""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from samskab.core import roles
from samskab.plans.models import Milestone, MilestoneStatus, PlanStatus
from samskab.tracking.models import ReminderKind, ReminderSent

ACTIVE_PLANS = (PlanStatus.ADOPTED, PlanStatus.IMPLEMENTATION)
DONE = (MilestoneStatus.COMPLETE, MilestoneStatus.WITHDRAWN)


def open_milestones():
    """Milestones of plans being implemented that are not done yet."""
    return (Milestone.objects.filter(commitment__plan__status__in=ACTIVE_PLANS)
            .exclude(status__in=DONE))


def overdue_milestones(*, today: date | None = None):
    """Open milestones whose due date (end) has passed."""
    today = today or timezone.localdate()
    return open_milestones().filter(end__lt=today)


def recipients(milestone: Milestone) -> list[str]:
    """The lead agency's officers (active, with an address) and the commitment's contact."""
    commitment = milestone.commitment
    addresses: list[str] = []
    if commitment.lead_agency_id:
        addresses += list(
            commitment.lead_agency.memberships
            .filter(user__is_active=True, user__groups__name=roles.AGENCY_OFFICER)
            .exclude(user__email="").order_by("user__email")
            .values_list("user__email", flat=True))
    if commitment.contact_email:
        addresses.append(commitment.contact_email)
    return list(dict.fromkeys(a.lower() for a in addresses))


def reminder_mail(milestone: Milestone, kind: str, to: list[str]) -> EmailMessage:
    commitment = milestone.commitment
    with translation.override("da"):
        context = {"milestone": milestone, "commitment": commitment, "kind": kind,
                   "site_url": settings.SITE_URL, "overdue": kind == ReminderKind.AFTER}
        subject = render_to_string("tracking/mail/reminder_subject.txt", context).strip()
        body = render_to_string("tracking/mail/reminder_body.txt", context)
    return EmailMessage(subject=subject, body=body, to=to,
                        headers={"Auto-Submitted": "auto-generated"})


def milestone_reminders_send(*, today: date | None = None) -> int:
    """Queue the reminders due today (see module docstring); returns how many."""
    today = today or timezone.localdate()
    horizon = today + timedelta(days=settings.SAMSKAB_REMINDER_DAYS_BEFORE)
    candidates = (open_milestones().filter(end__isnull=False, end__lte=horizon)
                  .select_related("commitment__lead_agency", "commitment__plan")
                  .order_by("end", "id"))
    already = set(ReminderSent.objects.filter(
        milestone__in=candidates).values_list("milestone_id", "kind", "due"))
    sent = 0
    for milestone in candidates:
        kind = ReminderKind.AFTER if milestone.end < today else ReminderKind.BEFORE
        if (milestone.id, kind, milestone.end) in already:
            continue
        to = recipients(milestone)
        if not to:
            continue
        mail = reminder_mail(milestone, kind, to)
        try:
            with transaction.atomic():
                ReminderSent.objects.create(milestone=milestone, kind=kind, due=milestone.end,
                                            recipients=to)
                transaction.on_commit(mail.send)
        except IntegrityError:
            continue  # another worker marked it first
        sent += 1
    return sent


