"""Publishing the høringsnotat (issue 9): refused until every idea is answered, audited, a new
version per publication, rendered by a task, public in four formats with earlier versions; one
position for many small ideas; and the public read model's rules for quotes, keywords and
campaign texts."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from factories import (
    ConsultationFactory,
    IdeaFactory,
    ResponseGroupFactory,
    UserFactory,
    receive,
)
from samskab.consultations.models import Response
from samskab.consultations.services import RespondentData
from samskab.core.errors import DomainError
from samskab.core.models import AuditEvent
from samskab.insights.models import (
    Idea,
    Position,
    PositionKind,
)
from samskab.publishing import notat, notat_documents, selectors, services
from samskab.publishing.documents import MIME_TYPES
from samskab.publishing.models import NotatPublication, PublicationState
from samskab.workspace import services as workspace
from samskab.workspace.models import RedactionState

pytestmark = pytest.mark.django_db


def _publish(response, moderator):
    workspace.redaction_propose(actor=moderator, response=response)
    for item in response.redactions.filter(state=RedactionState.PROPOSED):
        workspace.redaction_accept(actor=moderator, redaction=item)
    workspace.response_publish(actor=moderator, response=response)


@pytest.fixture
def users():
    return {role: UserFactory(roles=[role]) for role in ("moderator", "analyst")}


@pytest.fixture
def closed(users):
    consultation = ConsultationFactory(slug="afsluttet", closed=True, reference_prefix="AF")
    texts = ["Vi foreslår åbne budgetter. Venlig hilsen Karen Holmgaard",
             "Åbne budgetter i alle kommuner, tak.",
             "Et lobbyregister, tak. Ring 21 43 65 87."]
    for text in texts:
        receive(consultation, text=text, channel="email",
                respondent=RespondentData(kind="citizen", name="Karen Holmgaard"))
    responses = list(consultation.responses.order_by("reference"))
    for response in responses[:2]:
        _publish(response, users["moderator"])
    IdeaFactory(consultation=consultation, label="karen holmgaard budgetter",
                keywords=["budgetter", "karen", "holmgaard", "kommuner"],
                responses=responses[:2])
    IdeaFactory(consultation=consultation, label="lobbyregister",
                keywords=["lobbyregister", "ring"], responses=responses[2:])
    return consultation


def test_publication_is_refused_while_ideas_lack_a_position(closed, users):
    with pytest.raises(DomainError) as error:
        services.notat_publish(actor=users["analyst"], consultation=closed)
    assert error.value.code == "positions_missing" and "2 idéer" in str(error.value.message)
    assert not NotatPublication.objects.exists()


def test_publication_is_refused_before_the_deadline(users):
    consultation = ConsultationFactory()
    with pytest.raises(DomainError) as error:
        services.notat_publish(actor=users["analyst"], consultation=consultation)
    assert error.value.code == "before_deadline"


def test_one_position_for_many_small_ideas(closed, users):
    ideas = list(selectors.ideas_without_position(closed))
    assert [i.n for i in ideas] == [1, 2]  # the smallest first
    with pytest.raises(DomainError):
        services.positions_bulk_set(actor=users["analyst"], consultation=closed, ideas=ideas,
                                    kind="not_adopted", justification_da="  ")
    with pytest.raises(DomainError):
        services.positions_bulk_set(actor=users["analyst"], consultation=closed, ideas=ideas,
                                    kind="adopted", justification_da="Ja.")
    count = services.positions_bulk_set(actor=users["analyst"], consultation=closed,
                                        ideas=ideas, kind="not_adopted",
                                        justification_da="Taget til efterretning.")
    assert count == 2
    assert set(Position.objects.values_list("kind", "justification_da")) == {
        (PositionKind.NOT_ADOPTED, "Taget til efterretning.")}
    assert AuditEvent.objects.filter(action="position.bulk_set").count() == 1
    assert AuditEvent.objects.filter(action="position.set").count() == 2
    assert not selectors.ideas_without_position(closed).exists()


def test_publish_render_and_publish_again(closed, users, client):
    services.positions_bulk_set(actor=users["analyst"], consultation=closed,
                                ideas=list(selectors.ideas_without_position(closed)),
                                kind="not_adopted", justification_da="Taget til efterretning.")
    first = services.notat_publish(actor=users["analyst"], consultation=closed)
    assert (first.version, first.state) == (1, PublicationState.RENDERING)
    assert AuditEvent.objects.get(action="notat.publish").object_id == str(first.pk)
    page = reverse("published:notat", args=[closed.slug])
    assert "ved at blive dannet" in client.get(page).content.decode()
    assert client.get(reverse("published:notat_file", args=[closed.slug, 1, "pdf"])
                      ).status_code == 404
    services.notat_render(first)
    first.refresh_from_db()
    assert first.ready and first.pdf and first.odt and first.docx and first.html
    # The notat's own date is its publication's.
    assert notat.from_json(first.data).dated == timezone.localdate(first.published_at)

    second = services.notat_publish(actor=users["analyst"], consultation=closed)
    services.notat_render(second)
    assert second.version == 2
    html = client.get(page).content.decode()
    assert "Version 2, offentliggjort" in html and "Tidligere versioner" in html
    for version in (1, 2):
        for fmt in notat_documents.FORMATS:
            response = client.get(reverse("published:notat_file",
                                          args=[closed.slug, version, fmt]))
            assert response.status_code == 200, (version, fmt)
            assert response["Content-Type"] == MIME_TYPES[fmt]


@pytest.mark.parametrize(("role", "status"), [
    ("moderator", 403), ("analyst", 302), ("plan_editor", 403)])
def test_who_may_publish(closed, client, role, status):
    Idea.objects.filter(consultation=closed).delete()  # nothing left to answer
    client.force_login(UserFactory(roles=[role]))
    response = client.post(reverse("publishing:notat_publish", args=[closed.slug]))
    assert response.status_code == status
    assert NotatPublication.objects.exists() == (status == 302)


def test_bulk_page_reports_errors_and_sets_positions(closed, client, users):
    client.force_login(users["analyst"])
    url = reverse("publishing:positions_bulk", args=[closed.slug])
    ideas = [str(i.pk) for i in selectors.ideas_without_position(closed)]
    bad = client.post(url, {"ideas": ideas, "kind": "not_adopted", "justification_da": ""})
    assert bad.status_code == 400 and "Skriv en begrundelse." in bad.content.decode()
    good = client.post(url, {"ideas": ideas, "kind": "not_adopted",
                             "justification_da": "Taget til efterretning."})
    assert good.status_code == 302 and Position.objects.count() == 2
    page = client.get(reverse("publishing:notat", args=[closed.slug])).content.decode()
    assert "Offentliggør høringsnotatet" in page


def test_the_notat_quotes_published_versions_and_checks_engine_words(closed):
    ideas = {i.idea_id: i for i in selectors.notat_ideas(closed)}
    budget = Idea.objects.get(label__startswith="karen")
    lobby = Idea.objects.get(label="lobbyregister")
    # The quote is the representative's published version (its sign-off masked).
    assert ideas[budget.pk].quote == "Vi foreslår åbne budgetter. Venlig hilsen [navn fjernet]"
    # An idea only raised by an unpublished response has no quote and no keywords.
    assert ideas[lobby.pk].quote == "" and ideas[lobby.pk].keywords == []
    # Names in keywords are dropped; the engine's label is not printed until staff name it.
    assert ideas[budget.pk].keywords == ["budgetter", "kommuner"]
    assert ideas[budget.pk].label == "Idé nr. 1 fra høringen"


def test_campaign_text_comes_from_a_public_members_published_version(closed, users):
    responses = list(closed.responses.order_by("reference"))
    ResponseGroupFactory(members=responses[1:], canonical=responses[2],
                         template="Hemmelig skabelon med Karen Holmgaard",
                         label="Karen Holmgaard")
    [campaign] = selectors.campaigns(closed)
    # The canonical response is not public: another member's published text is shown.
    assert campaign.excerpt == "Åbne budgetter i alle kommuner, tak."
    assert campaign.label == "Kampagne 1" and campaign.size == 2


def test_public_outcomes_link_public_responses_to_positions(closed, users):
    services.positions_bulk_set(actor=users["analyst"], consultation=closed,
                                ideas=list(selectors.ideas_without_position(closed)),
                                kind="not_adopted", justification_da="Taget til efterretning.")
    references = list(closed.responses.order_by("reference").values_list("reference",
                                                                            flat=True))
    outcomes = selectors.public_outcomes(closed, references)
    assert set(outcomes) == set(references[:2])  # the third is not published
    [outcome] = outcomes[references[0]]
    assert outcome.kind_label == "Ikke taget med" and "/det-sagde-i/#ide-" in outcome.url


def test_nothing_is_public_before_the_deadline(users):
    consultation = ConsultationFactory(opens_at=timezone.now() - timedelta(days=2))
    receive(consultation, text="Et tidligt svar.")
    Response.objects.update(status="published")
    assert not Response.objects.public().exists()
    assert list(selectors.published_responses(consultation)) == []
    assert list(selectors.response_records(consultation)) == []
