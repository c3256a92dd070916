"""The høringsliste speaks organisations: parties point to core Organisations, replies are
matched to them by the organisation's e-mail domains (parent domains too) or names, and the
data migration turned the typed names of earlier data into organisations."""

import importlib

import pytest
from django.apps import apps

from factories import ConsultationFactory
from samskab.consultations.models import InvitedParty
from samskab.core.actions import SystemActor
from samskab.core.models import Organisation, OrganisationKind
from samskab.core.services import organisation_save
from samskab.workspace import services
from samskab.workspace.models import InvitedPartyMatch, MatchMethod

pytestmark = pytest.mark.django_db


@pytest.fixture
def kl():
    return organisation_save(actor=SystemActor("test"), name="Kommunernes Landsforening",
                             short_name="KL", kind=OrganisationKind.NGO, domains=["kl.dk"])


def test_a_party_points_to_the_organisation_owning_its_domain(moderator, closed_consultation,
                                                               kl):
    party = services.invited_party_add(actor=moderator, consultation=closed_consultation,
                                       name="KL's sekretariat", email_domain="kl.dk")
    assert party.organisation == kl


def test_a_party_found_by_name_or_made_an_organisation(moderator, closed_consultation, kl):
    by_name = services.invited_party_add(actor=moderator, consultation=closed_consultation,
                                         name="kommunernes  landsforening")
    assert by_name.organisation == kl
    new = services.invited_party_add(actor=moderator, consultation=closed_consultation,
                                     name="Fjordby Kommune", kind="authority_municipality",
                                     email_domain="fjordby.example")
    assert new.organisation.name == "Fjordby Kommune"
    assert new.organisation.kind == OrganisationKind.AUTHORITY_MUNICIPALITY
    assert list(new.organisation.domains.values_list("domain", flat=True)) == ["fjordby.example"]


def test_replies_match_by_the_organisations_domain_and_are_recognised(
        moderator, closed_consultation, respond, kl):
    party = services.invited_party_add(actor=moderator, consultation=closed_consultation,
                                       name="Kommunernes Landsforening")
    from_branch = respond(closed_consultation, "Svar.", kind="ngo", organisation="",
                          email="jens@jura.kl.dk")
    stranger = respond(closed_consultation, "Svar.", email="x@kl.dk.example")
    assert services.invited_party_match_propose(actor=moderator,
                                                consultation=closed_consultation) == 1
    match = InvitedPartyMatch.objects.get(party=party)
    assert (match.response, match.method) == (from_branch, MatchMethod.EMAIL_DOMAIN)
    from_branch.respondent.refresh_from_db()
    stranger.respondent.refresh_from_db()
    assert from_branch.respondent.recognised_organisation == kl
    assert stranger.respondent.recognised_organisation is None


def test_the_data_migration_makes_organisations_of_typed_names(respond):
    consultation = ConsultationFactory(closed=True, authority="Digitaliseringsstyrelsen")
    party = InvitedParty.objects.create(consultation=consultation, name="Fjordby Kommune",
                                        kind="authority_municipality",
                                        email_domain="fjordby.example")
    reply = respond(consultation, "Svar.", kind="authority_municipality",
                    organisation="Fjordby kommune", email="post@teknik.fjordby.example")
    typed = respond(consultation, "Svar.", kind="ngo", organisation="FJORDBY KOMMUNE",
                    email="someone@mail.example")
    migration = importlib.import_module(
        "samskab.consultations.migrations.0004_organisations_from_text")
    migration.forwards(apps, None)
    migration.forwards(apps, None)  # twice changes nothing
    consultation.refresh_from_db()
    party.refresh_from_db()
    assert consultation.authority_organisation.name == "Digitaliseringsstyrelsen"
    assert consultation.authority == "Digitaliseringsstyrelsen"  # the typed text stays
    fjordby = Organisation.objects.get(name="Fjordby Kommune")
    assert party.organisation == fjordby and fjordby.kind == "authority_municipality"
    for response in (reply, typed):
        response.respondent.refresh_from_db()
        assert response.respondent.recognised_organisation == fjordby
    assert typed.respondent.organisation == "FJORDBY KOMMUNE"
    assert Organisation.objects.count() == 2


def test_a_reply_recognised_at_receipt_meets_its_party_after_a_rename(
        moderator, closed_consultation, respond, kl):
    """The høringsliste matches by organisation, not by string: a reply recognised as KL when
    it arrived (typed "KL") still meets KL's party after KL is renamed without a short name."""
    reply = respond(closed_consultation, "Svar.", kind="ngo", organisation="KL",
                    email="sekretariat@mail.example")
    reply.respondent.refresh_from_db()
    assert reply.respondent.recognised_organisation == kl
    organisation_save(actor=SystemActor("test"), name="KL – Kommunernes Landsforening",
                      organisation=kl, domains=["kl.dk"])
    party = services.invited_party_add(actor=moderator, consultation=closed_consultation,
                                       name="KL – Kommunernes Landsforening")
    assert party.organisation == kl
    assert services.invited_party_match_propose(actor=moderator,
                                                consultation=closed_consultation) == 1
    match = InvitedPartyMatch.objects.get(party=party)
    assert (match.response, match.method) == (reply, MatchMethod.ORGANISATION)
