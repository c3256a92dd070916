"""An iCalendar feed (RFC 5545) of the process's dates: when each consultation opens and its
deadline, and the multi-stakeholder forum's meetings of public action plans. Calendar programs
subscribe to it; every event keeps a stable UID, so a moved deadline moves in the
subscriber's calendar instead of appearing twice."""

from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from samskab.consultations.models import Consultation


def _host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "samskab"


def deadlines_calendar() -> bytes:
    """Every published consultation's opening and deadline as events."""
    host = _host()
    calendar = Calendar()
    calendar.add("prodid", "-//Samskab//frister//DA")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", _("Samskab: høringsfrister"))
    stamp = timezone.now()
    for consultation in Consultation.objects.published().order_by("closes_at", "id"):
        url = settings.SITE_URL.rstrip("/") + reverse("consultations:detail",
                                                       args=[consultation.slug])
        for kind, moment, summary in (
            ("opens", consultation.opens_at, _("Høringen åbner: %(title)s")),
            ("deadline", consultation.closes_at, _("Høringsfrist: %(title)s")),
        ):
            event = Event()
            event.add("uid", f"consultation-{consultation.pk}-{kind}@{host}")
            event.add("dtstamp", stamp)
            # No DTEND: a moment in time (RFC 5545 3.6.1), the deadline itself.
            event.add("dtstart", moment)
            event.add("summary", summary % {"title": consultation.title})
            event.add("description", consultation.summary)
            event.add("url", url)
            if consultation.contact_email:
                event.add("organizer", f"mailto:{consultation.contact_email}",
                          parameters={"cn": consultation.authority or consultation.title})
            calendar.add_component(event)
    _forum_meetings(calendar, host, stamp)
    return calendar.to_ical()


def _forum_meetings(calendar: Calendar, host: str, stamp) -> None:
    """The forum's meetings of plans the public may read (through `tracking_selectors`), as
    all-day events linked to the plan's public page."""
    from samskab.publishing import selectors
    from samskab.publishing import tracking_selectors as plans_read

    for plan in plans_read.public_plans():
        meetings, _cadence = plans_read.public_forum(plan)
        url = settings.SITE_URL.rstrip("/") + reverse("tracking_public:plan", args=[plan.slug])
        for meeting in meetings:
            event = Event()
            event.add("uid", f"forum-meeting-{meeting.pk}@{host}")
            event.add("dtstamp", stamp)
            event.add("dtstart", meeting.held_on)  # a date: an all-day event
            event.add("summary", _("Møde i multi-aktør-forummet: %(title)s")
                      % {"title": selectors.public_text(plan.title_da)})
            event.add("description", selectors.public_text(meeting.decisions
                                                           or meeting.minutes))
            event.add("url", url)
            calendar.add_component(event)
