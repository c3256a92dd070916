"""The plan editor's pages walked as every role, and the public pages of a plan."""

import io
import json
import zipfile
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from factories import PublishedVersionFactory, UserFactory
from samskab.plans import services
from samskab.plans.models import Milestone, PlanComment, PlanStatus

from .conftest import ACTOR

pytestmark = pytest.mark.django_db

EDIT = {"plan_editor", "administrator"}
VIEW = EDIT | {"analyst", "agency_officer"}
# url name -> (method, who is allowed)
MATRIX = {
    "home": ("get", VIEW), "strategies": ("get", VIEW), "plan": ("get", VIEW),
    "versions": ("get", VIEW), "export": ("get", VIEW),
    "plan_edit": ("get", EDIT), "commitment_new": ("get", EDIT), "commitment": ("get", EDIT),
    "commitment_check": ("post", EDIT), "commitment_delete": ("post", EDIT),
    "milestones": ("get", EDIT), "milestone": ("get", EDIT), "milestone_delete": ("post", EDIT),
    "sources": ("get", EDIT), "source_unlink": ("post", EDIT), "publish": ("get", EDIT),
    "adopt": ("get", EDIT), "advance": ("post", EDIT),
}
ROLES = ("moderator", "analyst", "plan_editor", "agency_officer", "administrator", "nonstaff")


def _args(name, world):
    c = world["commitment"]
    if name in ("home", "strategies"):
        return []
    if name in ("commitment", "commitment_delete", "milestones", "sources"):
        return [c.pk]
    if name in ("milestone", "milestone_delete"):
        return [c.milestones.get().pk]
    if name == "source_unlink":
        return [world["source"].pk]
    return [world["plan"].pk]


@pytest.fixture
def linked(world):
    world["source"] = services.commitment_source_link(actor=ACTOR, commitment=world["commitment"],
                                                      idea=world["grants"])
    return world


def test_the_matrix_names_every_url():
    from samskab.plans.urls import urlpatterns

    assert {p.name for p in urlpatterns} == set(MATRIX)


@pytest.mark.parametrize("role", ROLES)
def test_every_url_as_every_role(client, linked, role):
    user = UserFactory(roles=[] if role == "nonstaff" else [role])
    client.force_login(user)
    for name, (method, allowed) in MATRIX.items():
        if method == "post" and name in ("commitment_delete", "milestone_delete",
                                         "source_unlink", "advance"):
            continue  # destructive: their refusal is checked below, their effect elsewhere
        url = reverse(f"plans:{name}", args=_args(name, linked))
        response = getattr(client, method)(url)
        if role in allowed:
            assert response.status_code in (200, 302), (name, role, response.status_code)
        else:
            assert response.status_code == 403, (name, role, response.status_code)
    for name in ("commitment_delete", "milestone_delete", "source_unlink", "advance"):
        if role not in MATRIX[name][1]:
            url = reverse(f"plans:{name}", args=_args(name, linked))
            assert client.post(url).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client, world):
    response = client.get(reverse("plans:plan", args=[world["plan"].pk]))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_overview_shows_each_commitments_findings_in_bounded_queries(client, world,
                                                                      django_assert_max_num_queries):
    client.force_login(UserFactory(roles=["plan_editor"]))
    for n in range(5):
        services.commitment_save(actor=ACTOR, plan=world["plan"], values={"title_da": f"C{n}"})
    with django_assert_max_num_queries(30):
        page = client.get(reverse("plans:plan", args=[world["plan"].pk])).content.decode()
    assert "COMMITMENT-NO-SOURCE" in page and "COMMITMENT-NO-LEAD" in page


def _form(c_obj, **changes):
    from samskab.plans.forms import CommitmentForm

    data = {k: v for k, v in CommitmentForm.initial_for(c_obj).items() if v is not None}
    data = {k: ([str(x) for x in v] if isinstance(v, list) else str(v) if not isinstance(
        v, bool) else ("on" if v else "")) for k, v in data.items()}
    data = {k: v for k, v in data.items() if v != ""}
    data.update(changes)
    return data


def test_rules_are_shown_as_the_editor_types_and_without_javascript(client, world):
    client.force_login(UserFactory(roles=["plan_editor"]))
    c = world["commitment"]
    data = _form(c, ogp_values=["technology_innovation"], commitment=str(c.pk))
    live = client.post(reverse("plans:commitment_check", args=[world["plan"].pk]), data,
                       HTTP_HX_REQUEST="true")
    assert live.status_code == 200 and "COMMITMENT-TECH-ONLY" in live.content.decode()
    assert "<html" not in live.content.decode()  # a partial
    c.refresh_from_db()
    assert c.ogp_values.filter(code="access_to_information").exists()  # nothing saved
    # Without JavaScript: "Tjek" renders the whole page with the findings, saving nothing.
    checked = client.post(reverse("plans:commitment", args=[c.pk]), {**data, "check": "1"})
    assert checked.status_code == 200 and "COMMITMENT-TECH-ONLY" in checked.content.decode()
    assert c.ogp_values.filter(code="access_to_information").exists()
    saved = client.post(reverse("plans:commitment", args=[c.pk]), data, follow=True)
    assert "COMMITMENT-TECH-ONLY" in saved.content.decode()
    assert list(c.ogp_values.values_list("code", flat=True)) == ["technology_innovation"]


def test_new_commitment_milestones_and_links_through_the_pages(client, world):
    client.force_login(UserFactory(roles=["plan_editor"]))
    plan = world["plan"]
    response = client.post(reverse("plans:commitment_new", args=[plan.pk]), {
        "title_da": "Et offentligt lobbyregister", "new_initiative": "on",
        "ogp_values": ["public_accountability"], "grand_challenges": ["GC2"],
        "lead_agency": world["agency"].pk, "description_da": "Et lobbyregister oprettes."})
    commitment = plan.commitments.get(title_da="Et offentligt lobbyregister")
    assert response.status_code == 302 and commitment.identifier == "DK0002"
    url = reverse("plans:milestones", args=[commitment.pk])
    client.post(url, {"title_da": "Fremme åbenhed om lobbyisme", "status": "not_started",
                      "start": "2012-05-01", "end": "2012-12-01", "new": "on"})
    page = client.get(url).content.decode()
    assert "MILESTONE-NOT-VERIFIABLE" in page
    sources = client.get(reverse("plans:sources", args=[commitment.pk])).content.decode()
    assert "Lobbyregister" in sources  # suggested: most like the commitment's text
    assert sources.index("Lobbyregister") < sources.index("suggestions") + 2000
    client.post(reverse("plans:sources", args=[commitment.pk]),
                {"idea": world["lobby"].pk, "kind": "partly_adopted"})
    assert commitment.sources.get().idea == world["lobby"]
    found = client.get(reverse("plans:sources", args=[commitment.pk]), {"q": "tilskud"})
    assert "Åbne data om tilskud" in found.content.decode()
    m = Milestone.objects.get(commitment=commitment)
    client.post(reverse("plans:milestone", args=[m.pk]), {
        "title_da": "Lobbyregistret offentliggøres på ministeriets hjemmeside",
        "status": "not_started", "start": "2012-05-01", "end": "2012-12-01"})
    assert "MILESTONE-NOT-VERIFIABLE" not in client.get(url).content.decode()


def test_versions_diff_publish_and_adopt_through_the_pages(client, world):
    client.force_login(UserFactory(roles=["plan_editor"]))
    plan = world["plan"]
    client.post(reverse("plans:versions", args=[plan.pk]), {"note": "Første udkast"})
    services.commitment_save(actor=ACTOR, plan=plan, commitment=world["commitment"],
                             values={"title_da": "Åbne data om alle tilskud"})
    diff = client.get(reverse("plans:versions", args=[plan.pk]), {"a": "1", "b": "nu"})
    assert "<ins>alle </ins>" in diff.content.decode() or "<ins>" in diff.content.decode()
    blocked = client.get(reverse("plans:adopt", args=[plan.pk])).content.decode()
    assert "COMMITMENT-NO-SOURCE" not in blocked or "Vedtag handlingsplanen" in blocked
    closes = (timezone.now() + timedelta(days=14)).date().isoformat()
    client.post(reverse("plans:publish", args=[plan.pk]), {"closes_at": closes})
    plan.refresh_from_db()
    assert plan.status == PlanStatus.PUBLIC_COMMENT
    response = client.post(reverse("plans:adopt", args=[plan.pk]))
    plan.refresh_from_db()
    assert response.status_code == 302 and plan.status == PlanStatus.ADOPTED


def test_adopt_page_refuses_while_errors_remain(client, world):
    client.force_login(UserFactory(roles=["plan_editor"]))
    services.commitment_save(actor=ACTOR, plan=world["plan"], values={"title_da": "Tom"})
    page = client.get(reverse("plans:adopt", args=[world["plan"].pk])).content.decode()
    assert "COMMITMENT-NO-LEAD" in page and "Vedtag handlingsplanen" not in page
    response = client.post(reverse("plans:adopt", args=[world["plan"].pk]))
    assert response.status_code == 400
    world["plan"].refresh_from_db()
    assert world["plan"].status == PlanStatus.DRAFTING


def test_strategy_import_page(client, world):
    client.force_login(UserFactory(roles=["plan_editor"]))
    from django.core.files.uploadedfile import SimpleUploadedFile

    body = json.dumps({"slug": "digi", "title": "Digitaliseringsstrategien",
                       "initiatives": [{"identifier": "1", "title": "Digital post"}]})
    client.post(reverse("plans:strategies"),
                {"file": SimpleUploadedFile("s.json", body.encode(), "application/json")})
    assert "Digital post" in client.get(reverse("plans:strategies")).content.decode()
    bad = client.post(reverse("plans:strategies"),
                      {"file": SimpleUploadedFile("s.json", b"{oops", "application/json")})
    assert bad.status_code == 400


# --- public pages -----------------------------------------------------------------------------

def test_drafts_are_not_public(client, world):
    assert client.get(reverse("plans_public:plan", args=[world["plan"].slug])).status_code == 404


def test_public_commitment_page_shows_its_published_sources(client, linked):
    plan, commitment = linked["plan"], linked["commitment"]
    rows = linked["rows"]
    PublishedVersionFactory(response=rows[0])
    version = services.plan_publish_for_comment(
        actor=ACTOR, plan=plan, closes_at=timezone.now() + timedelta(days=14))
    url = reverse("plans_public:commitment", args=[plan.slug, commitment.identifier])
    page = client.get(url).content.decode()
    assert "Hvor kommer det fra?" in page
    assert rows[0].reference in page and rows[0].text in page
    assert rows[1].reference not in page  # not published
    assert "aase@mail.example" not in page and "Åse Bæk" not in page
    # A comment on one paragraph, through the one door in.
    form = client.get(url, {"afsnit": "problem.2"}).content.decode()
    assert "Tallene ligger i PDF&#x27;er." in form
    response = client.post(url + "?afsnit=problem.2", {
        "text": "Husk kommunerne.", "paragraph": "problem.2", "email": "x@mail.example"})
    assert response.status_code == 302 and "/kvittering/" in response["Location"]
    comment = PlanComment.objects.get()
    assert (comment.version, comment.paragraph) == (version, "problem.2")
    # From the published response forward to the commitment.
    from samskab.publishing.selectors import public_outcomes

    outcomes = public_outcomes(linked["consultation"], [rows[0].reference])[rows[0].reference]
    link = reverse("plans_public:commitment", args=[plan.slug, commitment.identifier])
    assert any(o.url == link for o in outcomes)


@pytest.mark.parametrize("fmt", ["pdf", "odt", "docx"])
def test_plan_documents(client, world, fmt):
    services.plan_publish_for_comment(actor=ACTOR, plan=world["plan"],
                                      closes_at=timezone.now() + timedelta(days=14))
    url = reverse("plans_public:download", args=[world["plan"].slug, fmt])
    body = client.get(url).content
    english = client.get(url, {"sprog": "en"}).content
    if fmt == "pdf":
        assert body.startswith(b"%PDF")
        return
    name = "content.xml" if fmt == "odt" else "word/document.xml"
    text = zipfile.ZipFile(io.BytesIO(body)).read(name).decode()
    assert "DK0001 Åbne data om statslige tilskud" in text
    assert "Tilskudsdata offentliggøres på data.gov.dk" in text
    assert "Open data on grants" in zipfile.ZipFile(io.BytesIO(english)).read(name).decode()
