"""Every workspace URL walked as every role (style rule 6): who is let in, who gets 403.

The matrix below is the specification; a workspace URL missing from it fails the test.
"""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import get_resolver, reverse
from PIL import Image

from samskab.consultations.models import InvitedParty
from samskab.consultations.services import IncomingFile
from samskab.workspace import services
from samskab.workspace.models import InvitedPartyMatch, Redaction
from samskab.workspace.tasks import bulk_publish_task

pytestmark = pytest.mark.django_db

ROLE_NAMES = ("moderator", "analyst", "administrator", "superuser", "plan_editor",
              "agency_officer", "nonstaff")
READ = {"moderator", "analyst", "administrator", "superuser"}
MODERATE = {"moderator", "administrator", "superuser"}

# url name -> (method, who is allowed)
MATRIX = {
    "home": ("get", READ),
    "inbox": ("get", READ),
    "response": ("get", READ),
    "attachment": ("get", READ),
    "invited_parties": ("get", READ),
    "letter": ("get", MODERATE),
    "invited_party_add": ("get", MODERATE),
    "invited_party_edit": ("get", MODERATE),
    "invited_party_remove": ("get", MODERATE),
    "invited_party_match_propose": ("post", MODERATE),
    "match_confirm": ("post", MODERATE),
    "match_reject": ("post", MODERATE),
    "publish": ("post", MODERATE),
    "bulk_publish": ("get", MODERATE),
    "bulk_publish_status": ("get", MODERATE),
    "withhold": ("post", MODERATE),
    "reject": ("post", MODERATE),
    "redaction_propose": ("post", MODERATE),
    "redaction_add": ("post", MODERATE),
    "redaction_accept": ("post", MODERATE),
    "redaction_reject": ("post", MODERATE),
}


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4)).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def world(closed_consultation, respond, user_for):
    admin = user_for("administrator", "setup-admin")
    response = respond(closed_consultation, "Skriv til a@b.dk eller c@d.dk om data.",
                       kind="ngo", organisation="KL", email="x@kl.dk",
                       attachments=[IncomingFile("bilag.txt", b"tekst", "text/plain")])
    party = services.invited_party_add(actor=admin, consultation=closed_consultation,
                                       name="KL", email_domain="kl.dk")
    services.invited_party_match_propose(actor=admin, consultation=closed_consultation)
    services.redaction_propose(actor=admin, response=response)
    return {
        "slug": closed_consultation.slug, "reference": response.reference,
        "attachment": response.attachments.get().pk, "party": party.pk,
        "match": InvitedPartyMatch.objects.get().pk,
        "redaction": Redaction.objects.filter(response=response).first().pk,
        "task": str(bulk_publish_task.enqueue(closed_consultation.pk, {}, 0, None).id),
    }


def _url(name, world):
    args = {
        "home": [], "inbox": [world["slug"]], "letter": [world["slug"]],
        "invited_parties": [world["slug"]], "invited_party_add": [world["slug"]],
        "invited_party_match_propose": [world["slug"]],
        "invited_party_edit": [world["party"]], "invited_party_remove": [world["party"]],
        "match_confirm": [world["match"]], "match_reject": [world["match"]],
        "response": [world["reference"]], "publish": [world["reference"]],
        "withhold": [world["reference"]], "reject": [world["reference"]],
        "redaction_propose": [world["reference"]], "redaction_add": [world["reference"]],
        "redaction_accept": [world["redaction"]], "redaction_reject": [world["redaction"]],
        "attachment": [world["attachment"]],
        "bulk_publish": [world["slug"]], "bulk_publish_status": [world["slug"], world["task"]],
    }[name]
    return reverse(f"staff:{name}", args=args)


POST_DATA = {"withhold": {"reason": "Grund"}, "reject": {"reason": "Grund"},
             "redaction_add": {"phrase": "data", "reason": ""}}


def test_matrix_covers_every_workspace_url():
    staff = get_resolver().namespace_dict["staff"][1]
    names = {p.name for p in staff.url_patterns}
    assert names == set(MATRIX)


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_anonymous_is_sent_to_login(client, world, name):
    method, _allowed = MATRIX[name]
    url = _url(name, world)
    page = getattr(client, method)(url)
    assert page.status_code == 302
    assert page["Location"].startswith(reverse("login") + "?next=")


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_role_matrix(client, world, user_for, name):
    """Each role in turn, on one set of data per URL (allowed POSTs may change it: the matrix
    only asks whether the role is let in). One client: each new one re-scans static files."""
    method, allowed = MATRIX[name]
    outcome = {}
    for role in ROLE_NAMES:
        client.force_login(user_for(role))
        page = getattr(client, method)(_url(name, world), POST_DATA.get(name, {}))
        let_in = page.status_code == 200 or (
            page.status_code == 302 and not page["Location"].startswith(reverse("login")))
        outcome[role] = "allowed" if let_in else page.status_code
    expected = {role: "allowed" if role in allowed else 403 for role in ROLE_NAMES}
    assert outcome == expected


def test_denied_post_changes_nothing(client, world, user_for):
    client.force_login(user_for("analyst"))
    client.post(_url("invited_party_remove", world))
    client.post(_url("withhold", world), {"reason": "Grund"})
    assert InvitedParty.objects.filter(pk=world["party"]).exists()
    from samskab.consultations.models import Response

    assert Response.objects.get(reference=world["reference"]).status == "received"


def test_letter_upload_is_refused_to_analysts(client, world, user_for):
    client.force_login(user_for("analyst"))
    page = client.post(_url("letter", world), {
        "scan": SimpleUploadedFile("brev.png", _png(), "image/png"), "kind": "citizen",
        "received_on": "2030-01-01"})
    assert page.status_code == 403
