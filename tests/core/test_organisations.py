"""Organisations: names, CVR, e-mail domains, membership and the membership predicate."""

import pytest
from django.core.exceptions import PermissionDenied
from tests.factories import OrganisationFactory, UserFactory

from samskab.core import services
from samskab.core.actions import SystemActor
from samskab.core.errors import DomainError
from samskab.core.models import AuditEvent, OrganisationKind

pytestmark = pytest.mark.django_db


def test_administrator_creates_organisation_with_domains_audited():
    admin = UserFactory(roles=["administrator"])
    org = services.organisation_save(
        actor=admin, name="  Digitaliserings­styrelsen ", kind=OrganisationKind.AUTHORITY_STATE,
        cvr="34 05 11 78", domains=["@DIGST.dk", "digst.dk", "digitaliser.dk"])
    assert org.cvr == "34051178"
    assert sorted(org.domains.values_list("domain", flat=True)) == ["digitaliser.dk", "digst.dk"]
    event = AuditEvent.objects.get()
    assert event.action == "organisation.create" and event.after["domains"] == [
        "digitaliser.dk", "digst.dk"]


def test_analyst_may_not_create_organisations():
    with pytest.raises(PermissionDenied):
        services.organisation_save(actor=UserFactory(roles=["analyst"]), name="X")


@pytest.mark.parametrize(("kwargs", "code"), [
    ({"name": "   "}, "name_required"),
    ({"name": "A", "cvr": "1234"}, "invalid_cvr"),
    ({"name": "A", "domains": ["ikke et domæne"]}, "invalid_domain"),
])
def test_bad_input_is_a_domain_error_naming_the_field(kwargs, code):
    with pytest.raises(DomainError) as caught:
        services.organisation_save(actor=SystemActor("cli"), **kwargs)
    assert caught.value.code == code and caught.value.field


def test_a_domain_belongs_to_one_organisation():
    services.organisation_save(actor=SystemActor(), name="A", domains=["a.dk"])
    with pytest.raises(DomainError) as caught:
        services.organisation_save(actor=SystemActor(), name="B", domains=["a.dk"])
    assert caught.value.code == "domain_taken"


def test_mail_address_finds_its_organisation_by_most_specific_domain():
    kk = services.organisation_save(actor=SystemActor(), name="Københavns Kommune",
                                    domains=["kk.dk"])
    tmf = services.organisation_save(actor=SystemActor(), name="Teknik- og Miljøforvaltningen",
                                     domains=["tmf.kk.dk"])
    assert services.organisation_for_email("a@kk.dk") == kk
    assert services.organisation_for_email("b@tmf.kk.dk") == tmf
    assert services.organisation_for_email("c@sub.tmf.kk.dk") == tmf
    assert services.organisation_for_email("d@gmail.com") is None
    assert services.organisation_for_email("") is None
    assert services.organisation_by_name("københavns   kommune") == kk


def test_membership_predicate():
    org, other = OrganisationFactory(), OrganisationFactory()
    officer = UserFactory(roles=["agency_officer"])
    services.membership_add(actor=SystemActor(), organisation=org, user=officer)
    services.membership_add(actor=SystemActor(), organisation=org, user=officer)  # idempotent
    from samskab.core.rules import is_member_of_organisation

    assert is_member_of_organisation(officer, org)
    assert not is_member_of_organisation(officer, other)
    assert not is_member_of_organisation(officer, None)
    services.membership_remove(actor=SystemActor(), organisation=org, user=officer)
    assert not is_member_of_organisation(officer, org)
