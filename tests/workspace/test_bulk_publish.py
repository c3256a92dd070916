"""Publishing an inbox filter's result in bulk: through the page and the real worker, each
response masked and audited, undecided ones skipped and reported, idempotent on retry."""

import pytest
from django.urls import reverse

from factories import ConsultationFactory
from samskab.consultations.models import ResponseStatus
from samskab.core.errors import DomainError
from samskab.core.models import AuditEvent
from samskab.workspace import bulk, services
from samskab.workspace.models import PublishedVersion

pytestmark = pytest.mark.django_db

CLEAN = "Vi foreslår åbne data om ventetider."
CPR = "Mit CPR-nummer er 010203-1234; åbne data om budgetter, tak."
EMAIL = "Skriv til mig på aase@mail.example om åbne data."


def _mixed(consultation, respond, moderator):
    """Two publishable answers (one with a CPR number), one with an undecided e-mail
    proposal, one without consent, one withheld, one by letter (outside the e-mail filter)."""
    clean = respond(consultation, CLEAN)
    cpr = respond(consultation, CPR)
    email = respond(consultation, EMAIL)
    services.redaction_propose(actor=moderator, response=email)
    no_consent = respond(consultation, CLEAN, consent_publish_response=False)
    withheld = respond(consultation, CLEAN)
    services.response_withhold(actor=moderator, response=withheld, reason="Injurier")
    letter = respond(consultation, CLEAN, channel="letter")
    return clean, cpr, email, no_consent, withheld, letter


@pytest.mark.django_db(transaction=True)
def test_the_moderator_confirms_the_count_and_the_worker_publishes_the_filter(
        client, moderator, closed_consultation, respond, run_worker):
    clean, cpr, email, no_consent, withheld, letter = _mixed(
        closed_consultation, respond, moderator)
    client.force_login(moderator)
    inbox = client.get(reverse("staff:inbox", args=[closed_consultation.slug]),
                       {"channel": "email"})
    assert "Offentliggør alle i dette filter" in inbox.content.decode()
    url = reverse("staff:bulk_publish", args=[closed_consultation.slug])
    confirm = client.get(url, {"channel": "email"})
    assert confirm.status_code == 200
    assert confirm.context["count"] == 4  # clean, cpr, email, no consent (received, e-mail)
    assert 'name="channel" value="email"' in confirm.content.decode()
    assert not PublishedVersion.objects.exists()  # the GET changed nothing

    posted = client.post(url, {"channel": "email"})
    assert posted.status_code == 302
    request_event = AuditEvent.objects.get(action="response.publish_bulk_request")
    assert request_event.actor == moderator
    task_id = request_event.after["task"]
    assert posted["Location"] == reverse("staff:bulk_publish_status",
                                         args=[closed_consultation.slug, task_id])
    waiting = client.get(posted["Location"])
    assert waiting.status_code == 200 and not waiting.context["done"]
    assert not PublishedVersion.objects.exists()

    run_worker()

    published = {v.response_id: v for v in PublishedVersion.objects.all()}
    assert set(published) == {clean.pk, cpr.pk}
    assert "010203-1234" not in published[cpr.pk].text
    assert "[CPR-nr. fjernet]" in published[cpr.pk].text
    for response, status in [(email, ResponseStatus.RECEIVED),
                             (no_consent, ResponseStatus.RECEIVED),
                             (withheld, ResponseStatus.WITHHELD),
                             (letter, ResponseStatus.RECEIVED)]:
        response.refresh_from_db()
        assert response.status == status
    events = AuditEvent.objects.filter(action="response.publish")
    assert sorted(int(e.object_id) for e in events) == sorted([clean.pk, cpr.pk])
    assert all(e.actor == moderator and e.after["bulk"] == task_id for e in events)

    page = client.get(posted["Location"])
    assert page.context["done"]
    assert page.context["outcome"]["published"] == 2
    assert page.context["outcome"]["skipped"] == {"undecided_redactions": 1, "no_consent": 1}
    body = page.content.decode()
    assert email.reference in body and no_consent.reference in body
    assert clean.reference not in body


def test_a_rerun_publishes_nothing_twice_and_takes_only_what_existed(
        moderator, closed_consultation, respond):
    first = respond(closed_consultation, CLEAN)
    second = respond(closed_consultation, CPR)
    upto = bulk.bulk_publish_candidates(closed_consultation, {}).order_by("-pk")[0].pk
    services.response_publish(actor=moderator, response=first)  # one by hand meanwhile
    later = respond(closed_consultation, CLEAN)  # arrives after the confirmation
    run = bulk.bulk_publish_run(actor=moderator, consultation=closed_consultation, filters={},
                                upto=upto, task_id="t1")
    assert run["published"] == 1 and run["skipped_count"] == 0
    again = bulk.bulk_publish_run(actor=moderator, consultation=closed_consultation,
                                  filters={}, upto=upto, task_id="t1")
    assert again["published"] == 0
    assert AuditEvent.objects.filter(action="response.publish").count() == 2
    assert bulk.bulk_publish_progress("t1") == 1
    assert set(PublishedVersion.objects.values_list("response_id", flat=True)) == {
        first.pk, second.pk}
    later.refresh_from_db()
    assert later.status == ResponseStatus.RECEIVED


def test_the_search_narrows_what_is_published(moderator, closed_consultation, respond):
    budget = respond(closed_consultation, "Åbne budgetter i alle kommuner.")
    respond(closed_consultation, "Noget helt andet om cykelstier.")
    candidates = bulk.bulk_publish_candidates(closed_consultation, {"q": "budgetter"})
    assert list(candidates.values_list("pk", flat=True)) == [budget.pk]


def test_before_the_deadline_or_with_nothing_to_publish_nothing_is_queued(
        moderator, respond, closed_consultation):
    open_consultation = ConsultationFactory()
    respond(open_consultation, CLEAN)
    with pytest.raises(DomainError) as error:
        bulk.bulk_publish_request(actor=moderator, consultation=open_consultation, filters={})
    assert error.value.code == "before_deadline"
    with pytest.raises(DomainError) as error:
        bulk.bulk_publish_request(actor=moderator, consultation=closed_consultation,
                                  filters={})
    assert error.value.code == "nothing_to_publish"
    assert not AuditEvent.objects.filter(action="response.publish_bulk_request").exists()


def test_only_moderators_and_administrators_may_publish_in_bulk(
        client, analyst, user_for, closed_consultation, respond):
    respond(closed_consultation, CLEAN)
    url = reverse("staff:bulk_publish", args=[closed_consultation.slug])
    client.force_login(analyst)
    assert client.get(url).status_code == 403
    assert client.post(url).status_code == 403
    inbox = client.get(reverse("staff:inbox", args=[closed_consultation.slug]))
    assert "Offentliggør alle i dette filter" not in inbox.content.decode()
    client.force_login(user_for("administrator", "admin-user"))
    assert client.get(url).context["count"] == 1
    assert client.post(url).status_code == 302
    assert AuditEvent.objects.filter(action="response.publish_bulk_request").count() == 1


def test_an_unknown_run_is_not_found(client, moderator, closed_consultation):
    client.force_login(moderator)
    url = reverse("staff:bulk_publish_status",
                  args=[closed_consultation.slug, "00000000-0000-0000-0000-000000000000"])
    assert client.get(url).status_code == 404
    url = reverse("staff:bulk_publish_status", args=[closed_consultation.slug, "not-an-id"])
    assert client.get(url).status_code == 404
