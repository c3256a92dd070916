import io
from collections import Counter

import pytest
from django.core.management import call_command

from samskab.consultations.models import Attachment, Consultation, Response
from samskab.demo.load import demo_load
from samskab.demo.responses import demo_responses

pytestmark = [pytest.mark.django_db, pytest.mark.slow]  # loads the whole demo


@pytest.fixture
def demo(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    return demo_load()


def test_demo_responses_are_deterministic():
    first, second = demo_responses(), demo_responses()
    assert [r.text for r in first] == [r.text for r in second]


def test_demo_has_the_2012_consultation_with_varied_responses(demo):
    consultation = Consultation.objects.get(slug="ogp-2012")
    assert consultation.subject_tag == "OGP-høring"
    assert consultation.reference_prefix == "OGP-2012"
    assert consultation.period_days == 27
    responses = Response.objects.filter(consultation=consultation)
    assert responses.count() >= 300
    kinds = Counter(responses.values_list("respondent__kind", flat=True))
    assert set(kinds) >= {"citizen", "business", "ngo", "authority_state", "authority_region",
                          "authority_municipality", "research"}
    assert Counter(responses.values_list("language", flat=True))["en"] >= 5
    assert responses.filter(late=True).count() >= 3
    assert set(responses.values_list("channel", flat=True)) == {"email", "web", "import", "api",
                                                                "letter"}
    assert Attachment.objects.filter(response__consultation=consultation).count() >= 5
    campaigns = Counter(
        r.source.get("campaign") for r in responses if r.source.get("campaign")
    )
    assert len(campaigns) == 2 and min(campaigns.values()) >= 20
    assert {c.title_da for c in consultation.focus_challenges.all()} == {
        "Forbedring af offentlige løsninger og ydelser",
        "Mere effektiv organisering af offentlige løsninger og ydelser",
    }


def test_demo_has_an_open_consultation_to_try(demo):
    assert Consultation.objects.open().exists()
    assert Consultation.objects.upcoming().exists()


def test_loading_twice_creates_nothing_new(demo, settings):
    from samskab.core.models import AuditEvent, Organisation

    organisations, events = Organisation.objects.count(), AuditEvent.objects.count()
    again = demo_load()
    assert again.responses_created == 0
    assert again.responses_total == demo.responses_total
    assert again.password == demo.password
    assert (Organisation.objects.count(), AuditEvent.objects.count()) == (organisations, events)


def test_demo_consultations_and_parties_point_to_organisations(demo):
    from samskab.consultations.models import Consultation, InvitedParty

    assert {c.authority_organisation.name for c in Consultation.objects.all()} == {
        "Digitaliseringsstyrelsen"}
    parties = InvitedParty.objects.filter(consultation__slug="ogp-2012").select_related(
        "organisation")
    assert parties and all(p.organisation.name == p.name for p in parties)
    assert all(p.organisation.domains.filter(domain=p.email_domain).exists() for p in parties)


@pytest.mark.sqlite_only
@pytest.mark.django_db(transaction=True)
def test_demo_command_loads_and_prints_the_login(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    out = io.StringIO()
    call_command("demo", no_serve=True, stdout=out, stderr=io.StringIO())
    assert "Staff login: demo / " in out.getvalue()
    scanned = Attachment.objects.get(original_name="brev-scannet.png")
    assert scanned.ocr
    assert "ældre" in scanned.extracted_text.lower() or "selvbetjening" in scanned.extracted_text


def _every_row() -> dict[str, tuple[int, str]]:
    """Each table's row count and a digest of all its rows' values."""
    import hashlib

    from django.apps import apps

    state = {}
    for model in apps.get_models():
        fields = [f.attname for f in model._meta.concrete_fields]
        rows = sorted(repr(row) for row in model._base_manager.values_list(*fields))
        state[model._meta.label] = (len(rows), hashlib.sha256("\n".join(rows).encode())
                                    .hexdigest())
    return state


@pytest.mark.sqlite_only
@pytest.mark.django_db(transaction=True)
def test_installing_the_demo_twice_changes_no_row(settings, tmp_path):
    """`samskab demo` run again (issue 10: the second run published 27 responses the first
    left for staff to review) changes nothing: every table holds the same rows."""
    from samskab.core.models import AuditEvent
    from samskab.demo.install import demo_install

    settings.VAR_DIR = tmp_path
    first = demo_install()
    assert first.published > 200 and first.analysed
    left = Response.objects.filter(consultation__slug="ogp-2012", status="received",
                                   consent_publish_response=True).count()
    assert left >= 20  # left for the visitor to moderate
    before, events = _every_row(), AuditEvent.objects.count()
    second = demo_install()
    assert (second.summary.responses_created, second.published, second.analysed) == (
        0, 0, False)
    assert AuditEvent.objects.count() == events
    after = _every_row()
    assert {label for label in before if before[label] != after[label]} == set()
