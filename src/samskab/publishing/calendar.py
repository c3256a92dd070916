"""An iCalendar feed (RFC 5545) of the process's dates: when each consultation opens and its
deadline. Calendar programs subscribe to it; every event keeps a stable UID, so a moved
deadline moves in the subscriber's calendar instead of appearing twice."""

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
    return calendar.to_ical()
