"""What a refused role's request leaves behind in the workspace. Who is let in where is walked
for every URL of the project in tests/test_url_roles.py."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from samskab.consultations.models import InvitedParty
from samskab.consultations.services import IncomingFile
from samskab.workspace import services
from samskab.workspace.models import InvitedPartyMatch, Redaction
from samskab.workspace.tasks import bulk_publish_task

pytestmark = pytest.mark.django_db

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
