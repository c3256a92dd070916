"""Organisations at receipt: a sender is recognised by the e-mail domain an organisation owns
(its sub-domains too, never free mail) or by the organisation's name (`organisation_key`:
case, Danish letters, legal forms ignored), and the respondent points to that organisation
from the moment the response is stored, at both doors in."""

import pytest

from factories import ConsultationFactory, receive
from samskab.consultations import services
from samskab.consultations.models import Respondent
from samskab.core.actions import SystemActor
from samskab.core.errors import DomainError
from samskab.core.maildomains import domain_candidates, is_free_mail
from samskab.core.models import Organisation
from samskab.core.services import (
    organisation_for_email,
    organisation_index,
    organisation_save,
    sender_organisation_id,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def organisations():
    save = organisation_save
    actor = SystemActor("test")
    return {
        "KL": save(actor=actor, name="Kommunernes Landsforening", short_name="KL",
                   domains=["kl.dk"]),
        "KK": save(actor=actor, name="Københavns Kommune", domains=["kk.dk"]),
        "TMF": save(actor=actor, name="Teknik- og Miljøforvaltningen",
                    domains=["tmf.kk.dk"]),
        "DE": save(actor=actor, name="Dansk Erhverv", domains=["danskerhverv.dk"]),
        "ÆS": save(actor=actor, name="Ældre Sagen"),
    }


CASES = [
    # e-mail, typed organisation → recognised organisation (None: not recognised)
    ("jens@kl.dk", "", "KL"),
    ("JENS@KL.DK", "", "KL"),  # case
    ("jens@jura.kl.dk", "", "KL"),  # a sub-domain
    ("b@sub.tmf.kk.dk", "", "TMF"),  # the most specific owner
    ("c@kk.dk", "", "KK"),
    ("x@kl.dk.example", "", None),  # a look-alike domain is somebody else's
    ("x@ukendt.example", "Ukendt Forening", None),  # unknown domain and name
    ("x@gmail.com", "", None),  # free mail is nobody's
    ("x@gmail.com", "Ældre Sagen", "ÆS"),  # … but the typed name still counts
    ("x@hotmail.dk", "aeldre sagen", "ÆS"),  # Danish letters spelled out
    ("x@mail.example", "ÆLDRE  SAGEN A/S", "ÆS"),  # case, spacing, legal form
    ("", "kl", "KL"),  # the short name
    ("", "Kobenhavns kommune", "KK"),  # ø as o
    ("x@kl.dk", "Dansk Erhverv", "KL"),  # the domain is more specific than a typed name
    ("", "", None),
]


@pytest.mark.parametrize(("email", "organisation", "expected"), CASES)
def test_a_sender_is_recognised_by_domain_or_name(organisations, email, organisation,
                                                  expected):
    wanted = organisations[expected].pk if expected else None
    assert sender_organisation_id(email=email, organisation=organisation) == wanted
    # the in-memory index (the batch door, the høringsliste) says the same
    assert organisation_index().for_sender(email=email, organisation=organisation) == wanted


def test_a_citizen_on_free_mail_costs_no_query(organisations, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert sender_organisation_id(email="aase@gmail.com", organisation="") is None


@pytest.mark.parametrize(("domain", "free"), [
    ("gmail.com", True), ("GMAIL.COM", True), ("hotmail.dk", True), ("mail.dk", True),
    ("eu.gmail.com", True), ("kl.dk", False), ("gmail.com.example", False),
    ("mygmail.com", False),
])
def test_free_mail_domains(domain, free):
    assert is_free_mail(domain) is free
    assert (domain_candidates(f"a@{domain}") == []) is free


def test_the_web_door_stores_the_recognised_organisation(organisations):
    consultation = ConsultationFactory()
    receive(consultation, respondent=services.RespondentData(
        kind="ngo", organisation="", email="sekretariat@jura.kl.dk"))
    receive(consultation, respondent=services.RespondentData(
        kind="citizen", name="Åse Bæk", email="aase@gmail.com"))
    rows = list(Respondent.objects.order_by("pk").values_list("recognised_organisation",
                                                              flat=True))
    assert rows == [organisations["KL"].pk, None]
    assert Respondent.objects.get(pk=Respondent.objects.order_by("pk")[0].pk
                                  ).organisation == ""  # the typed text stays as typed


def test_the_batch_door_stores_the_recognised_organisations(organisations):
    consultation = ConsultationFactory()
    items = [services.Incoming(text=f"Svar nummer {n} om åbne data.",
                               respondent=services.RespondentData(
                                   kind=kind, organisation=org, email=email),
                               idempotency_key=f"k{n}")
             for n, (email, org, kind) in enumerate([
                 ("post@kk.dk", "", "authority_municipality"),
                 ("x@gmail.com", "Aeldre Sagen", "ngo"),
                 ("y@hotmail.com", "", "citizen"),
                 ("z@ukendt.example", "Ukendt", "ngo"),
             ])]
    receipts = services.response_receive_many(consultation=consultation, channel="api",
                                              items=items)
    assert all(r.created for r in receipts)
    recognised = [Respondent.objects.get(response__reference=r.reference)
                  .recognised_organisation_id for r in receipts]
    assert recognised == [organisations["KK"].pk, organisations["ÆS"].pk, None, None]


def test_free_mail_is_never_an_organisations_domain(organisations):
    with pytest.raises(DomainError) as refused:
        organisation_save(actor=SystemActor("test"), name="Foreningen X",
                          domains=["gmail.com"])
    assert refused.value.code == "free_mail_domain" and refused.value.field == "domains"
    assert organisation_for_email("a@gmail.com") is None


def test_a_party_writing_from_free_mail_gives_its_organisation_no_domain(organisations):
    from samskab.workspace import services as workspace

    consultation = ConsultationFactory()
    party = workspace.invited_party_add(actor=SystemActor("test"), consultation=consultation,
                                        name="Foreningen Åbne Fjorde",
                                        email="foreningen@gmail.com")
    assert party.email_domain == ""
    assert not party.organisation.domains.exists()
    reply = receive(consultation, respondent=services.RespondentData(
        kind="citizen", name="Åse Bæk", email="aase@gmail.com"))
    assert Respondent.objects.get(response__pk=reply.response_id).recognised_organisation is None


def test_a_renamed_organisation_keeps_its_key_and_its_recognised_senders(organisations):
    consultation = ConsultationFactory()
    receive(consultation, respondent=services.RespondentData(
        kind="ngo", organisation="Ældre Sagen", email="a@mail.example"))
    organisation_save(actor=SystemActor("test"), name="Ældre Sagen og Pårørende",
                      organisation=organisations["ÆS"])
    renamed = Organisation.objects.get(pk=organisations["ÆS"].pk)
    assert renamed.name_key == "aldre sagen og parorende"
    assert sender_organisation_id(email="", organisation="Ældre Sagen") is None
    assert Respondent.objects.get().recognised_organisation == renamed
