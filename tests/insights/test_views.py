"""The analysis pages: no N+1 on lists, the public page's privacy. Every URL as every role is
walked in tests/test_url_roles.py."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from factories import link_to_commitment, receive
from samskab.consultations import services as consultation_services
from samskab.consultations.models import Response
from samskab.core.models import AuditEvent
from samskab.insights import services
from samskab.insights.models import (
    GroupMembership,
    Idea,
    Position,
    PositionKind,
    Proposal,
    ResponseGroup,
    SetAsideSegment,
    TagState,
    TagSuggestion,
)

pytestmark = pytest.mark.django_db

# url name → (method, argument kind)
URLS = {
    "home": ("get", None),
    "overview": ("get", "slug"),
    "run": ("post", "slug"),
    "groups": ("get", "slug"),
    "tags": ("get", "slug"),
    "tag_quality": ("get", "slug"),
    "ideas": ("get", "slug"),
    "group": ("get", "group"),
    "group_merge": ("get", "group"),
    "group_split": ("post", "membership"),
    "group_confirm": ("post", "membership"),
    "tag_decide": ("post", "tag"),
    "idea": ("get", "idea"),
    "idea_rename": ("post", "idea"),
    "idea_merge": ("get", "idea"),
    "idea_split": ("post", "idea"),
    "position_set": ("post", "idea"),
    "proposal_move": ("post", "proposal"),
    "proposal_position": ("get", "proposal"),
    "set_aside": ("get", "slug"),
    "set_aside_move_back": ("post", "segment"),
    "group_members": ("post", "group"),
    "tags_bulk": ("post", "slug"),
}


@pytest.fixture
def analysed(small):
    services.consultation_analyse(consultation=small["consultation"])
    return small


def _args(kind, data):
    consultation = data["consultation"]
    idea = Idea.objects.filter(consultation=consultation).order_by("-proposal_count").first()
    return {
        None: [],
        "slug": [consultation.slug],
        "group": [ResponseGroup.objects.filter(consultation=consultation)
                  .order_by("-size", "pk").first().pk],
        "membership": [GroupMembership.objects.order_by("pk").first().pk],
        "tag": [TagSuggestion.objects.order_by("pk").first().pk],
        "idea": [idea.pk],
        "proposal": [Proposal.objects.filter(idea=idea).order_by("pk").first().pk],
        "segment": [SetAsideSegment.objects.order_by("pk").first().pk],
    }[kind]


def test_list_pages_make_the_same_number_of_queries_for_more_data(
        client, users, analysed, django_assert_num_queries):
    client.force_login(users["analyst"])
    consultation = analysed["consultation"]
    names = ["home", "overview", "groups", "tags", "tag_quality", "ideas", "group", "idea",
             "set_aside"]

    def urls():
        return {n: reverse(f"insights:{n}", args=_args(URLS[n][1], analysed)) for n in names}

    # Decide a tag and set a position so those branches render too.
    services.tag_decide(suggestion=TagSuggestion.objects.first(), confirmed=True,
                        actor=users["analyst"])
    first_idea = Idea.objects.filter(consultation=consultation).order_by("-proposal_count")[0]
    services.position_set(idea=first_idea, kind=PositionKind.NOT_ADOPTED,
                          justification_da="Nej.", actor=users["analyst"])
    counts = {}
    for name, url in urls().items():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200, name
        counts[name] = len(ctx.captured_queries)

    for i in range(6):
        receive(consultation, text=analysed["campaign_text"] + f"\nHilsen nr. {i}",
                respondent=consultation_services.RespondentData(
                    kind="ngo", organisation=f"Ny forening {i}", name="X", email="x@y.example"))
        receive(consultation, text=f"Vi foreslår en ny portal for høringer nummer {i}, hvor "
                "man kan abonnere på emner og se alle indkomne høringssvar.")
    services.consultation_analyse(consultation=consultation)
    for tag in TagSuggestion.objects.all()[:5]:
        services.tag_decide(suggestion=tag, confirmed=False, actor=users["analyst"])
    assert ResponseGroup.objects.filter(consultation=consultation).order_by(
        "-size").first().size == 14
    for name, url in urls().items():
        with django_assert_num_queries(counts[name]):
            assert client.get(url).status_code == 200, name


def test_public_page_waits_for_the_first_position(client, analysed):
    url = reverse("published:you_said_we_did", args=[analysed["consultation"].slug])
    page = client.get(url).content.decode()
    assert "under udarbejdelse" in page


def test_public_page_shows_positions_and_no_personal_data(client, analysed, analyst):
    consultation = analysed["consultation"]
    PRIVATE_NAME, PRIVATE_EMAIL = analysed["private_name"], analysed["private_email"]
    private = analysed["singles"][4]
    # The private person also typed their name as organisation, wrote it in the text and
    # asked to stay anonymous; their response is published.
    private.respondent.organisation = PRIVATE_NAME
    private.respondent.save(update_fields=["organisation"])
    Response.objects.filter(pk=private.pk).update(
        status="published", text=private.text + f"\n\nMvh. {PRIVATE_NAME}, {PRIVATE_EMAIL}")
    lobby_public, lobby_hidden = analysed["singles"][1], analysed["singles"][5]
    Response.objects.filter(pk=lobby_public.pk).update(status="published")
    Response.objects.filter(pk=lobby_hidden.pk).update(status="published",
                                                       consent_publish_response=False)
    services.consultation_analyse(consultation=consultation)

    private_idea = Proposal.objects.filter(response=private).exclude(idea=None).first().idea
    services.position_set(idea=private_idea, kind=PositionKind.PARTLY_ADOPTED,
                          justification_da="Telemedicin udbredes til flere patienter.",
                          actor=analyst)
    lobby_idea = Proposal.objects.filter(response=lobby_public).first().idea
    services.proposal_move(proposal=Proposal.objects.filter(response=lobby_hidden).first(),
                           idea=lobby_idea, actor=analyst)
    services.idea_rename(idea=lobby_idea, label="Et offentligt lobbyregister", actor=analyst)
    services.position_set(idea=lobby_idea, kind=PositionKind.ADOPTED,
                          justification_da="Vi opretter registret.", actor=analyst)
    link_to_commitment(idea=lobby_idea, identifier="DK0005", title="Lobbyregister")
    single = Proposal.objects.filter(response=analysed["singles"][3]).first()
    services.position_set(proposal=single, kind=PositionKind.OUT_OF_SCOPE,
                          justification_da="Hører under beredskabet.", actor=analyst)

    # Public only after the deadline, and only responses with a published version (issue 9).
    from datetime import timedelta

    from django.utils import timezone

    from samskab.consultations.models import Consultation
    from samskab.workspace.models import PublishedVersion

    Consultation.objects.filter(pk=consultation.pk).update(
        closes_at=timezone.now() - timedelta(minutes=1))
    # By hand, not PublishedVersionFactory: these states are ones the services refuse (a
    # response published without consent), and the page must not leak them either.
    for response in (private, lobby_public, lobby_hidden):
        PublishedVersion.objects.create(response=response, text="…", published_by=analyst,
                                        published_at=timezone.now())
    url = reverse("published:you_said_we_did", args=[consultation.slug])
    page = client.get(url).content.decode()
    assert "Et offentligt lobbyregister" in page
    assert "Vi opretter registret." in page and "DK0005 Lobbyregister" in page
    assert "Telemedicin udbredes til flere patienter." in page
    assert "Hører under beredskabet." in page
    assert "Foreningen nr. 1" in page  # published organisation response
    assert "Foreningen nr. 5" not in page  # no consent to publish
    assert "Rejst i 2 høringssvar" in page
    for secret in (PRIVATE_NAME, "Hemmelighedsen", PRIVATE_EMAIL, "Kontakt Person",
                   "kontakt1@forening.example", "Borger 0"):
        assert secret not in page
    # The engine's own name for the private person's idea is not published.
    if private_idea.label_by_id is None:
        assert private_idea.label not in page


def test_staff_pages_never_show_a_private_persons_name_without_consent(client, analysed,
                                                                         users):
    client.force_login(users["analyst"])
    private = analysed["singles"][4]
    idea = Proposal.objects.filter(response=private).exclude(idea=None).first().idea
    page = client.get(reverse("insights:idea", args=[idea.pk])).content.decode()
    assert private.reference in page and analysed["private_name"] not in page
    group = ResponseGroup.objects.get(consultation=analysed["consultation"])
    page = client.get(reverse("insights:group", args=[group.pk])).content.decode()
    assert "Borger 0" not in page
    assert analysed["additions"][1] in page


def test_tag_review_orders_least_certain_first_and_decides(client, analysed, users):
    from samskab import analysis as engine

    client.force_login(users["analyst"])
    consultation = analysed["consultation"]
    url = reverse("insights:tags", args=[consultation.slug])
    response = client.get(url)
    shown = [s.pk for s in response.context["page"].object_list]
    pending = list(TagSuggestion.objects.filter(response__consultation=consultation,
                                                state=TagState.SUGGESTED)
                   .order_by("response_id", "code"))
    expected = engine.review_order([(s.pk, s.code, s.score) for s in pending])
    assert [s[2] for s in expected][:len(shown)] == [
        TagSuggestion.objects.get(pk=pk).score for pk in shown]
    first = TagSuggestion.objects.get(pk=shown[0])
    response = client.post(reverse("insights:tag_decide", args=[first.pk]),
                           {"decision": "confirm", "next": url})
    assert response.status_code == 302 and response["Location"] == url
    first.refresh_from_db()
    assert first.state == TagState.CONFIRMED
    assert AuditEvent.objects.filter(action="tag.confirm").count() == 1
    quality = client.get(reverse("insights:tag_quality", args=[consultation.slug]))
    assert quality.context["q"].decided == 1


def test_merge_page_previews_before_it_merges(client, analysed, users):
    client.force_login(users["analyst"])
    consultation = analysed["consultation"]
    ideas = list(Idea.objects.filter(consultation=consultation).order_by("pk")[:2])
    url = reverse("insights:idea_merge", args=[ideas[0].pk])
    preview = client.get(url, {"target": ideas[1].pk})
    assert preview.status_code == 200 and preview.context["plan"].dry_run
    assert Idea.objects.get(pk=ideas[0].pk).merged_into_id is None
    done = client.post(url, {"target": ideas[1].pk, "confirm": "True"})
    assert done.status_code == 302
    assert Idea.objects.get(pk=ideas[0].pk).merged_into_id == ideas[1].pk


def test_position_form_on_the_idea_page(client, analysed, users):
    client.force_login(users["analyst"])
    idea = Idea.objects.filter(consultation=analysed["consultation"]).first()
    url = reverse("insights:position_set", args=[idea.pk])
    bad = client.post(url, {"kind": "adopted", "justification_da": " "})
    assert bad.status_code == 400 and not Position.objects.exists()
    good = client.post(url, {"kind": "adopted", "justification_da": "Ja."})
    assert good.status_code == 302
    assert Position.objects.get(idea=idea).decided_by == users["analyst"]


def test_tag_quality_counts_precision_and_recall_of_decided_tags(analysed, analyst):
    from samskab.insights.selectors import tag_quality

    consultation = analysed["consultation"]
    high = list(TagSuggestion.objects.filter(response__consultation=consultation,
                                             score__gte=0.5).order_by("pk")[:3])
    low = TagSuggestion.objects.filter(response__consultation=consultation,
                                       score__lt=0.5).order_by("pk").first()
    for s, confirmed in zip([*high, low], [True, True, False, True], strict=True):
        services.tag_decide(suggestion=s, confirmed=confirmed, actor=analyst)
    q = tag_quality(consultation)
    assert (q.decided, q.confirmed, q.rejected) == (4, 3, 1)
    assert (q.micro.predicted, q.micro.true_positives, q.micro.support) == (3, 2, 3)
    assert q.micro.precision == pytest.approx(2 / 3)
    assert q.micro.recall == pytest.approx(2 / 3)


def test_staff_see_what_was_set_aside_and_move_it_back(client, users, analysed):
    client.force_login(users["analyst"])
    consultation = analysed["consultation"]
    page = client.get(reverse("insights:set_aside", args=[consultation.slug])).content.decode()
    segment = SetAsideSegment.objects.filter(response__consultation=consultation,
                                             reason="signoff").first()
    assert "Med venlig hilsen" in page and "Afslutning og underskrift" in page
    assert reverse("insights:set_aside_move_back", args=[segment.pk]) in page
    response = client.post(reverse("insights:set_aside_move_back", args=[segment.pk]))
    assert response.status_code == 302
    segment.refresh_from_db()
    assert segment.moved_back and Proposal.objects.filter(pk=segment.proposal_id).exists()
    filtered = client.get(reverse("insights:set_aside", args=[consultation.slug]),
                          {"aarsag": "greeting"}).content.decode()
    assert "Med venlig hilsen" not in filtered


def test_bulk_forms_decide_many_at_once(client, users, analysed):
    client.force_login(users["analyst"])
    consultation = analysed["consultation"]
    group = ResponseGroup.objects.filter(consultation=consultation).order_by("-size").first()
    client.post(reverse("insights:group_members", args=[group.pk]), {"decision": "confirm"})
    assert not GroupMembership.objects.filter(group=group, state="suggested").exists()
    before = TagSuggestion.objects.filter(state=TagState.SUGGESTED, score__gte=0.7).count()
    assert before
    client.post(reverse("insights:tags_bulk", args=[consultation.slug]),
                {"decision": "confirm_above", "graense": "0,7"})
    assert not TagSuggestion.objects.filter(state=TagState.SUGGESTED, score__gte=0.7).exists()
    assert TagSuggestion.objects.filter(state=TagState.CONFIRMED).count() == before
