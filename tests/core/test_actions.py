"""The action layer: permission → atomic → change → AuditEvent → side effects after commit."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from tests.factories import OrganisationFactory, UserFactory

from samskab.core.actions import SystemActor, current_action, staff_action
from samskab.core.errors import DomainError
from samskab.core.models import AuditEvent, Organisation

pytestmark = pytest.mark.django_db


def _events():
    """The audit log less the setup's own events (OrganisationFactory creates through the
    audited service)."""
    return AuditEvent.objects.exclude(action="organisation.create")


def test_actor_without_permission_changes_nothing_and_audits_nothing():
    org = OrganisationFactory()
    analyst = UserFactory(roles=["analyst"])
    with pytest.raises(PermissionDenied), staff_action(
            actor=analyst, perm="core.change_organisation", obj=org, name="x") as act:
        org.name = "Ændret"
        org.save()
        act.audit(org)
    assert Organisation.objects.get(pk=org.pk).name != "Ændret"
    assert not _events().exists()


def test_change_and_audit_event_commit_together_effects_run_after_commit(
        django_capture_on_commit_callbacks):
    org = OrganisationFactory()
    admin = UserFactory(roles=["administrator"])
    ran = []
    with django_capture_on_commit_callbacks(execute=True):
        with staff_action(actor=admin, perm="core.change_organisation", obj=org,
                          name="organisation.rename") as act:
            assert current_action() is act
            org.name = "Nyt navn"
            org.save(update_fields=["name"])
            act.audit(org, before={"name": "x"}, after={"name": "Nyt navn"})
            act.on_commit(lambda: ran.append("mail"))
            assert ran == []
    assert ran == ["mail"]
    assert current_action() is None
    event = _events().get()
    assert (event.actor, event.action, event.after) == (admin, "organisation.rename",
                                                        {"name": "Nyt navn"})


def test_domain_error_rolls_back_change_audit_and_effects(django_capture_on_commit_callbacks):
    org = OrganisationFactory(name="Før")
    ran = []
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(DomainError):
        with staff_action(actor=SystemActor("cli"), perm="core.change_organisation", obj=org,
                          name="organisation.rename") as act:
            org.name = "Efter"
            org.save()
            act.audit(org)
            act.on_commit(lambda: ran.append(1))
            raise DomainError("nope", "Det må man ikke")
    assert Organisation.objects.get(pk=org.pk).name == "Før"
    assert not _events().exists()
    assert ran == []


def test_an_action_that_audits_nothing_is_a_programming_error():
    with pytest.raises(RuntimeError), transaction.atomic(), staff_action(
            actor=SystemActor(), perm=None, name="silent"):
        OrganisationFactory()
    assert not Organisation.objects.exists()


def test_system_actor_is_named_in_the_audit_log():
    org = OrganisationFactory()
    with staff_action(actor=SystemActor("worker"), perm="core.change_organisation", obj=org,
                      name="organisation.touch") as act:
        act.audit(org)
    event = _events().get()
    assert event.actor is None and event.actor_label == "system:worker"
