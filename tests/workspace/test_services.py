"""The workspace's services: permission, the domain's rules, and the audit trail."""

import io
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from PIL import Image

from factories import ConsultationFactory
from samskab.consultations.models import InvitedParty, Response, ResponseStatus
from samskab.core.models import AuditEvent
from samskab.core.text import organisation_key
from samskab.workspace import services
from samskab.workspace.models import (
    InvitedPartyMatch,
    MatchMethod,
    MatchState,
    ModerationDecision,
    PublishedVersion,
    Redaction,
    RedactionState,
)

pytestmark = pytest.mark.django_db

CPR_TEXT = (
    "Jeg foreslår åbne data om ventetider. Mit CPR-nummer er 010203-1234, "
    "skriv til mig på aase@mail.example eller ring 12 34 56 78. Hilsen Åse Bæk"
)


def _events(action):
    return list(AuditEvent.objects.filter(action=action))


def _decide_all(actor, response, *, accept=True):
    for redaction in Redaction.objects.filter(response=response, state="proposed"):
        if accept:
            services.redaction_accept(actor=actor, redaction=redaction)
        else:
            services.redaction_reject(actor=actor, redaction=redaction)


# --- Redaction -------------------------------------------------------------------------------

def test_propose_masks_cpr_at_once_and_proposes_email_phone_and_own_name(
        moderator, closed_consultation, respond):
    response = respond(closed_consultation, CPR_TEXT)
    created = services.redaction_propose(actor=moderator, response=response)
    by_kind = {r.kind: r for r in created}
    assert set(by_kind) == {"cpr", "email", "phone", "name"}
    assert by_kind["cpr"].state == RedactionState.ACCEPTED and by_kind["cpr"].automatic
    assert by_kind["email"].state == RedactionState.PROPOSED
    assert by_kind["name"].found_text == "Åse Bæk"
    event = AuditEvent.objects.get(action="redaction.propose")
    assert event.actor == moderator
    assert len(event.after["proposed"]) == 4


def test_propose_is_idempotent(moderator, closed_consultation, respond):
    response = respond(closed_consultation, CPR_TEXT)
    services.redaction_propose(actor=moderator, response=response)
    assert services.redaction_propose(actor=moderator, response=response) == []
    assert Redaction.objects.filter(response=response).count() == 4
    assert len(_events("redaction.propose")) == 1


def test_consented_citizen_name_is_not_proposed(moderator, closed_consultation, respond):
    response = respond(closed_consultation, "Venlig hilsen Åse Bæk", consent_publish_name=True)
    assert services.redaction_propose(actor=moderator, response=response) == []


def test_analyst_may_not_propose_or_decide(analyst, moderator, closed_consultation, respond):
    response = respond(closed_consultation, CPR_TEXT)
    with pytest.raises(PermissionDenied):
        services.redaction_propose(actor=analyst, response=response)
    services.redaction_propose(actor=moderator, response=response)
    proposal = Redaction.objects.filter(response=response, kind="email").get()
    with pytest.raises(PermissionDenied):
        services.redaction_accept(actor=analyst, redaction=proposal)
    proposal.refresh_from_db()
    assert proposal.state == RedactionState.PROPOSED


def test_accept_and_reject_record_before_and_after(moderator, closed_consultation, respond):
    response = respond(closed_consultation, CPR_TEXT)
    services.redaction_propose(actor=moderator, response=response)
    email = Redaction.objects.get(response=response, kind="email")
    services.redaction_reject(actor=moderator, redaction=email, reason="Offentlig postkasse")
    services.redaction_accept(actor=moderator, redaction=email)
    reject, accept = (AuditEvent.objects.filter(object_type="workspace.redaction")
                      .order_by("id"))
    assert reject.before["state"] == "proposed" and reject.after["state"] == "rejected"
    assert reject.after["reason"] == "Offentlig postkasse"
    assert accept.before["state"] == "rejected" and accept.after["state"] == "accepted"
    email.refresh_from_db()
    assert email.decided_by == moderator and email.decided_at is not None


def test_cpr_redaction_cannot_be_rejected(moderator, closed_consultation, respond):
    response = respond(closed_consultation, CPR_TEXT)
    services.redaction_propose(actor=moderator, response=response)
    cpr = Redaction.objects.get(response=response, kind="cpr")
    with pytest.raises(services.WorkspaceError) as error:
        services.redaction_reject(actor=moderator, redaction=cpr)
    assert error.value.code == "cpr_always_masked"
    cpr.refresh_from_db()
    assert cpr.state == RedactionState.ACCEPTED


def test_manual_redaction_masks_every_occurrence(moderator, closed_consultation, respond):
    response = respond(closed_consultation, "Min nabo på Ågade 3 og Ågade 3 igen.")
    created = services.redaction_add(actor=moderator, response=response, phrase="Ågade 3",
                                     reason="Adresse")
    assert [(r.start, r.end) for r in created] == [(12, 19), (23, 30)]
    with pytest.raises(services.WorkspaceError):
        services.redaction_add(actor=moderator, response=response, phrase="Ågade 3", reason="")
    with pytest.raises(services.WorkspaceError):
        services.redaction_add(actor=moderator, response=response, phrase="findes ikke",
                               reason="")


# --- Publication -----------------------------------------------------------------------------

def test_publish_masks_accepted_keeps_rejected_and_keeps_original(
        moderator, closed_consultation, respond):
    response = respond(closed_consultation, CPR_TEXT)
    services.redaction_propose(actor=moderator, response=response)
    services.redaction_reject(
        actor=moderator, redaction=Redaction.objects.get(response=response, kind="phone"))
    _decide_all(moderator, response)
    version = services.response_publish(actor=moderator, response=response)
    assert version.text == (
        "Jeg foreslår åbne data om ventetider. Mit CPR-nummer er [CPR-nr. fjernet], "
        "skriv til mig på [e-mail fjernet] eller ring 12 34 56 78. Hilsen [navn fjernet]"
    )
    assert version.redaction_count == 3 and version.redacted
    response.refresh_from_db()
    assert response.status == ResponseStatus.PUBLISHED
    assert response.text == CPR_TEXT
    event = AuditEvent.objects.get(action="response.publish")
    assert event.before == {"status": "received"}
    assert event.after["status"] == "published" and event.after["redactions"] == 3


def test_publish_masks_cpr_even_without_a_scan(moderator, closed_consultation, respond):
    response = respond(closed_consultation, "Mit CPR-nummer er 0102031234.")
    version = services.response_publish(actor=moderator, response=response)
    assert "0102031234" not in version.text
    assert "[CPR-nr. fjernet]" in version.text


def test_publish_refuses_undecided_proposals(moderator, closed_consultation, respond):
    response = respond(closed_consultation, CPR_TEXT)
    with pytest.raises(services.WorkspaceError) as error:
        services.response_publish(actor=moderator, response=response)
    assert error.value.code == "undecided_redactions"
    response.refresh_from_db()
    assert response.status == ResponseStatus.RECEIVED
    assert not PublishedVersion.objects.exists()
    assert not _events("response.publish")


def test_publish_refuses_before_the_deadline(moderator, respond):
    consultation = ConsultationFactory()
    response = respond(consultation, "Et helt almindeligt svar.")
    with pytest.raises(services.WorkspaceError) as error:
        services.response_publish(actor=moderator, response=response)
    assert error.value.code == "before_deadline"
    version = services.response_publish(actor=moderator, response=response,
                                        now=consultation.closes_at + timedelta(seconds=1))
    assert version.text == "Et helt almindeligt svar."


def test_publish_refuses_without_consent(moderator, closed_consultation, respond):
    response = respond(closed_consultation, "Svar der ikke må offentliggøres.",
                       consent_publish_response=False)
    with pytest.raises(services.WorkspaceError) as error:
        services.response_publish(actor=moderator, response=response)
    assert error.value.code == "no_consent"
    assert Response.objects.get(pk=response.pk).status == ResponseStatus.RECEIVED


def test_publish_refuses_rejected_response(moderator, closed_consultation, respond):
    response = respond(closed_consultation, "Spam spam spam.")
    services.response_reject(actor=moderator, response=response, reason="Spam")
    with pytest.raises(services.WorkspaceError):
        services.response_publish(actor=moderator, response=response)


def test_analyst_may_not_publish(analyst, closed_consultation, respond):
    response = respond(closed_consultation, "Et svar.")
    with pytest.raises(PermissionDenied):
        services.response_publish(actor=analyst, response=response)
    assert not PublishedVersion.objects.exists()


def test_withhold_requires_reason_and_records_it(moderator, closed_consultation, respond):
    response = respond(closed_consultation, "Et svar.")
    services.response_publish(actor=moderator, response=response)
    with pytest.raises(services.WorkspaceError):
        services.response_withhold(actor=moderator, response=response, reason="  ")
    services.response_withhold(actor=moderator, response=response,
                               reason="Indeholder helbredsoplysninger")
    response.refresh_from_db()
    assert response.status == ResponseStatus.WITHHELD
    decision = ModerationDecision.objects.get(response=response)
    assert decision.reason == "Indeholder helbredsoplysninger"
    assert decision.decided_by == moderator
    event = AuditEvent.objects.get(action="response.withhold")
    assert event.before == {"status": "published"}
    assert event.after == {"status": "withheld", "reason": "Indeholder helbredsoplysninger"}


def test_a_failed_change_leaves_no_audit_event(moderator, closed_consultation, respond):
    response = respond(closed_consultation, "Et svar.")
    with pytest.raises(RuntimeError), transaction.atomic():
        services.response_withhold(actor=moderator, response=response, reason="Grund")
        raise RuntimeError("rollback")
    assert not AuditEvent.objects.filter(action="response.withhold").exists()
    assert Response.objects.get(pk=response.pk).status == ResponseStatus.RECEIVED


# --- Høringsliste ----------------------------------------------------------------------------

def test_party_add_update_remove_are_audited(moderator, closed_consultation):
    party = services.invited_party_add(
        actor=moderator, consultation=closed_consultation, name="  Kommunernes  Landsforening ",
        kind="authority_municipality", email="KL@KL.dk")
    assert party.name == "Kommunernes Landsforening"
    assert party.email_domain == "kl.dk"
    with pytest.raises(services.WorkspaceError):
        services.invited_party_add(actor=moderator, consultation=closed_consultation,
                                   name="Kommunernes Landsforening")
    services.invited_party_update(actor=moderator, party=party, name="KL",
                                  kind="authority_municipality", email_domain="kl.dk")
    update = AuditEvent.objects.get(action="invited_party.update")
    assert update.before["name"] == "Kommunernes Landsforening" and update.after["name"] == "KL"
    services.invited_party_remove(actor=moderator, party=party)
    assert not InvitedParty.objects.exists()
    assert AuditEvent.objects.get(action="invited_party.remove").before["name"] == "KL"


def test_analyst_may_not_edit_the_list(analyst, closed_consultation):
    with pytest.raises(PermissionDenied):
        services.invited_party_add(actor=analyst, consultation=closed_consultation, name="KL")


def test_normalise_name_ignores_case_spacing_and_aa_spellings():
    assert organisation_key("Dansk  Erhverv A/S") == organisation_key(
        "dansk erhverv")
    assert organisation_key("AARHUS KOMMUNE") == organisation_key(
        "Århus Kommune")
    assert organisation_key("Foreningen Ø-Bo") == organisation_key(
        "foreningen oe bo")


def test_matches_are_proposed_by_name_and_domain_then_confirmed(
        moderator, closed_consultation, respond):
    kl = services.invited_party_add(actor=moderator, consultation=closed_consultation,
                                    name="Kommunernes Landsforening", email_domain="kl.dk")
    aarhus = services.invited_party_add(actor=moderator, consultation=closed_consultation,
                                        name="Århus Kommune", kind="authority_municipality")
    by_domain = respond(closed_consultation, "Svar fra KL.", kind="ngo", organisation="KL",
                        email="jens@kl.dk")
    by_name = respond(closed_consultation, "Svar fra Aarhus.", kind="authority_municipality",
                      organisation="AARHUS KOMMUNE", email="borger@aarhus.example")
    respond(closed_consultation, "Et borgersvar.", email="x@kl.dk.example")
    assert services.invited_party_match_propose(actor=moderator,
                                                consultation=closed_consultation) == 2
    assert services.invited_party_match_propose(actor=moderator,
                                                consultation=closed_consultation) == 0
    kl_match = InvitedPartyMatch.objects.get(party=kl)
    assert (kl_match.response, kl_match.method) == (by_domain, MatchMethod.EMAIL_DOMAIN)
    aarhus_match = InvitedPartyMatch.objects.get(party=aarhus)
    assert (aarhus_match.response, aarhus_match.method) == (by_name, MatchMethod.ORGANISATION)
    services.invited_party_match_confirm(actor=moderator, match=kl_match)
    services.invited_party_match_reject(actor=moderator, match=aarhus_match)
    kl_match.refresh_from_db()
    assert kl_match.state == MatchState.CONFIRMED and kl_match.confirmed_by == moderator
    event = AuditEvent.objects.get(action="invited_party.match_confirmed")
    assert event.before == {"state": "proposed"}


def test_manual_match_must_be_in_the_same_consultation(moderator, closed_consultation, respond):
    party = services.invited_party_add(actor=moderator, consultation=closed_consultation,
                                       name="Dansk Erhverv")
    other = respond(ConsultationFactory(closed=True), "Et svar.")
    with pytest.raises(services.WorkspaceError):
        services.invited_party_match_add(actor=moderator, party=party, response=other)
    mine = respond(closed_consultation, "Et svar.")
    match = services.invited_party_match_add(actor=moderator, party=party, response=mine)
    assert match.state == MatchState.CONFIRMED


# --- Letters ---------------------------------------------------------------------------------

def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), "white").save(buffer, format="PNG")
    return buffer.getvalue()


def test_letter_goes_through_the_one_door_with_its_scan(moderator, closed_consultation):
    receipt = services.letter_register(
        actor=moderator, consultation=closed_consultation, scan_name="brev.png",
        scan_data=_png(), kind="citizen", name="Karen Holm", address="Ågade 1\n8000 Aarhus C",
    )
    response = Response.objects.get(reference=receipt.reference)
    assert response.channel == "letter"
    assert response.late  # received now, after the deadline
    assert response.respondent.name == "Karen Holm"
    assert response.source["postal_address"] == "Ågade 1\n8000 Aarhus C"
    assert response.source["registered_by"] == moderator.username
    attachment = response.attachments.get()
    assert attachment.original_name == "brev.png" and attachment.mime_type == "image/png"
    event = AuditEvent.objects.get(action="response.letter_register")
    assert event.object_id == str(response.pk) and event.after["late"] is True


def test_letter_refuses_other_file_types_and_disguised_files(moderator, closed_consultation):
    for name, data in [("brev.docx", b"PK\x03\x04 not a scan"), ("brev.pdf", _png()),
                       ("brev.png", b"just text")]:
        with pytest.raises(services.WorkspaceError) as error:
            services.letter_register(actor=moderator, consultation=closed_consultation,
                                     scan_name=name, scan_data=data, kind="citizen")
        assert error.value.code == "scan_type"
    assert not Response.objects.exists()


def test_analyst_may_not_register_letters(analyst, closed_consultation):
    with pytest.raises(PermissionDenied):
        services.letter_register(actor=analyst, consultation=closed_consultation,
                                 scan_name="brev.png", scan_data=_png(), kind="citizen")


# --- Attachments' extracted text -------------------------------------------------------------

def _with_scan(consultation, respond, extracted, text="Se det vedhæftede brev."):
    from samskab.consultations.services import IncomingFile

    response = respond(consultation, text,
                       attachments=[IncomingFile("brev.txt", b"x", "text/plain")])
    response.attachments.update(extracted_text=extracted, extraction_status="ok")
    return response


def test_attachment_text_is_scanned_and_published_masked(moderator, closed_consultation,
                                                          respond):
    response = _with_scan(closed_consultation, respond,
                          "Kære ministerium. CPR 010203-1234, mail karen@mail.example.")
    created = services.redaction_propose(actor=moderator, response=response)
    assert {(r.kind, r.attachment_id is not None) for r in created} == {
        ("cpr", True), ("email", True)}
    _decide_all(moderator, response)
    version = services.response_publish(actor=moderator, response=response)
    assert version.text == (
        "Se det vedhæftede brev.\n\n[Bilag 1]\n"
        "Kære ministerium. CPR [CPR-nr. fjernet], mail [e-mail fjernet]."
    )


def test_letter_without_typed_text_publishes_its_ocr_text(moderator, closed_consultation,
                                                          respond):
    response = _with_scan(closed_consultation, respond, "Vi ønsker åbne data.", text="")
    version = services.response_publish(actor=moderator, response=response)
    assert version.text == "[Bilag 1]\nVi ønsker åbne data."


def test_redactions_of_re_extracted_text_are_replaced(moderator, closed_consultation, respond):
    response = _with_scan(closed_consultation, respond, "Skriv til a@b.dk.")
    services.redaction_propose(actor=moderator, response=response)
    old = Redaction.objects.get(response=response)
    response.attachments.update(extracted_text="Nyt udtræk: skriv til ny@b.dk i dag.")
    with pytest.raises(services.WorkspaceError):
        services.response_publish(actor=moderator, response=response)  # new, undecided
    fresh = Redaction.objects.get(response=response)
    assert fresh.pk != old.pk and fresh.found_text == "ny@b.dk"
    event = AuditEvent.objects.filter(action="redaction.propose").order_by("id").last()
    assert event.before["removed_stale"][0]["start"] == old.start


def test_manual_redaction_reaches_attachments(moderator, closed_consultation, respond):
    response = _with_scan(closed_consultation, respond, "Naboen Ib på Ågade 3.",
                          text="Om naboen på Ågade 3.")
    created = services.redaction_add(actor=moderator, response=response, phrase="Ågade 3",
                                     reason="Adresse")
    assert sorted(r.attachment_id is not None for r in created) == [False, True]
    version = services.response_publish(actor=moderator, response=response)
    assert "Ågade 3" not in version.text


def test_publish_waits_for_text_extraction(moderator, closed_consultation, respond):
    from samskab.consultations.services import IncomingFile

    response = respond(closed_consultation, "",
                       attachments=[IncomingFile("brev.pdf", b"%PDF-1.4", "application/pdf")])
    with pytest.raises(services.WorkspaceError) as error:
        services.response_publish(actor=moderator, response=response)
    assert error.value.code == "extraction_pending"
    response.attachments.update(extraction_status="ocr", extracted_text="Brevets tekst.")
    assert services.response_publish(actor=moderator, response=response).text == (
        "[Bilag 1]\nBrevets tekst.")
