"""The demo's høringsnotat is published and anyone can download it in four formats."""

import io

import pytest
from django.core.management import call_command

from samskab.core.models import AuditEvent
from samskab.publishing.models import NotatPublication

pytestmark = pytest.mark.django_db(transaction=True)


def test_demo_publishes_its_notat_once_and_anyone_downloads_it(client, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    call_command("demo", no_serve=True, stdout=io.StringIO(), stderr=io.StringIO())
    call_command("demo", no_serve=True, stdout=io.StringIO(), stderr=io.StringIO())
    publication = NotatPublication.objects.get(consultation__slug="ogp-2012")
    assert publication.version == 1 and publication.ready
    assert AuditEvent.objects.filter(action="notat.publish").count() == 1
    page = client.get("/hoeringer/ogp-2012/hoeringsnotat/").content.decode()
    for fmt, start in (("html", b"<!DOCTYPE html>"), ("pdf", b"%PDF"), ("odt", b"PK"),
                       ("docx", b"PK")):
        url = f"/hoeringer/ogp-2012/hoeringsnotat/v1/hoeringsnotat.{fmt}"
        assert url in page
        response = client.get(url)
        assert response.status_code == 200
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert body.lstrip().startswith(start)
    assert "Ikke behandlet endnu" not in publication.html
    # No respondent's e-mail address and no name of a citizen who did not consent.
    from samskab.consultations.models import Respondent

    private, shown = set(), set()
    for respondent in Respondent.objects.select_related("response"):
        if respondent.email:
            private.add(respondent.email)
        if respondent.kind == "citizen" and respondent.name:
            (shown if respondent.response.consent_publish_name else private).add(
                respondent.name)
    private -= shown
    assert private
    leaked = sorted(value for value in private if value in publication.html)
    assert leaked == []
