"""Invariant (design.md, one door out): no personal data leaves through any public output.

Loads the demo, plants personal data in it, walks every public page reachable from the front
page as an anonymous visitor, and reads the public export; none may contain the planted data.
"""

import io
import re
from urllib.parse import urljoin, urlparse

import pytest
from django.core.management import call_command

from factories import receive
from samskab.consultations import services
from samskab.consultations.models import Consultation, Respondent
from samskab.demo.load import demo_load

pytestmark = pytest.mark.django_db

PLANTED_CPR = "241265-1236"
PLANTED_EMAIL = "hemmelig.borger@privat.example"
PLANTED_NAME = "Hemmelig Borgersen"


def _crawl(client, start: str = "/") -> dict[str, str]:
    seen: dict[str, str] = {}
    queue = [start]
    while queue and len(seen) < 300:
        url = queue.pop()
        if url in seen:
            continue
        response = client.get(url)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            seen[url] = ""
            continue
        html = response.content.decode()
        seen[url] = html
        for href in re.findall(r'href="([^"#]+)"', html):
            target = urlparse(urljoin(url, href))
            if target.netloc or target.path.startswith(("/admin", "/static", "/login")):
                continue
            queue.append(target.path)
    return seen


@pytest.mark.django_db(transaction=True)
def test_no_public_page_or_export_contains_personal_data(client, settings, tmp_path,
                                                         run_worker):
    from samskab.demo.publish import demo_publish
    from samskab.insights.demo import demo_analyse

    settings.VAR_DIR = tmp_path
    demo_load()
    run_worker()
    demo_analyse()
    assert demo_publish() > 200
    from samskab.plans.demo import demo_plan

    demo_plan()
    open_now = Consultation.objects.open().first()
    receive(open_now, text=f"Mit cpr-nummer er {PLANTED_CPR}, skriv til {PLANTED_EMAIL}",
            respondent=services.RespondentData(name=PLANTED_NAME, email=PLANTED_EMAIL),
            consent_publish_name=False)
    private_values = {PLANTED_CPR, PLANTED_EMAIL, PLANTED_NAME}
    hidden_names, shown_names = set(), set()
    for respondent in Respondent.objects.select_related("response"):
        if respondent.email:
            private_values.add(respondent.email)
        if respondent.kind == "citizen" and respondent.name:  # anonymous: nothing to leak
            consent = respondent.response.consent_publish_name
            (shown_names if consent else hidden_names).add(respondent.name)
    # A name shared by a citizen who consented may rightly appear.
    private_values |= hidden_names - shown_names
    pages = _crawl(client)
    assert "/hoeringer/ogp-2012/offentlige-svar/" in pages
    assert "/hoeringer/ogp-2012/det-sagde-i/" in pages
    published_page = pages["/hoeringer/ogp-2012/offentlige-svar/"]
    assert "OGP-2012-0" in published_page
    # The golden thread: a published response links to what became of its proposals.
    assert 'href="/hoeringer/ogp-2012/det-sagde-i/#' in "".join(
        html for url, html in pages.items() if "offentlige-svar" in url)
    # … and on to the commitments they led to, whose pages show their published sources.
    assert "/handlingsplaner/dk-2012-2013/DK0001/" in pages
    assert "Hvor kommer det fra?" in pages["/handlingsplaner/dk-2012-2013/DK0001/"]
    exports = []
    for consultation in Consultation.objects.all():
        out = io.StringIO()
        call_command("export", "responses", consultation.slug, stdout=out, stderr=io.StringIO())
        exports.append(out.getvalue())
    outputs = {**pages, **{f"export:{i}": text for i, text in enumerate(exports)}}
    for where, text in outputs.items():
        for value in private_values:
            assert value not in text, f"{value!r} leaked through {where}"
        assert not re.search(r"\b\d{6}-\d{4}\b", text), f"CPR-like number in {where}"
