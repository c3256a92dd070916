"""The guard that keeps staff changes on the action layer (tests/action_guard.py) really
fails on a bypass, lets actions and the declared paths through, and covers the admin."""

import pytest
from django.utils import timezone

from action_guard import STAFF_MODELS, Guard, StaffWriteOutsideAction
from factories import ConsultationFactory, UserFactory, receive
from samskab.consultations.models import Response, ResponseStatus
from samskab.core import roles
from samskab.core.actions import SystemActor, staff_action
from samskab.workspace import services

pytestmark = [pytest.mark.django_db, pytest.mark.allow_staff_writes]


@pytest.fixture
def guard():
    from django.db import connection

    guard = Guard()
    connection.execute_wrappers.append(guard)
    yield guard
    connection.execute_wrappers.remove(guard)


def test_a_service_helper_called_outside_an_action_is_refused(guard):
    receipt = receive(ConsultationFactory(), text="Et svar.")  # the intake: allowed
    response = Response.objects.get(pk=receipt.response_id)
    with pytest.raises(StaffWriteOutsideAction, match="consultations.Response"):
        services._set_status(actor=SystemActor("test"), response=response,
                             status=ResponseStatus.WITHHELD, reason="x", now=timezone.now())
    assert guard.violations


def test_the_same_change_inside_an_action_passes(guard):
    receipt = receive(ConsultationFactory(), text="Et svar.")
    response = Response.objects.get(pk=receipt.response_id)
    moderator = UserFactory(roles=[roles.MODERATOR])
    with staff_action(actor=moderator, perm=services.MODERATE, obj=response,
                      name="response.withhold") as act:
        services._set_status(actor=moderator, response=response,
                             status=ResponseStatus.WITHHELD, reason="x", now=timezone.now())
        act.audit(response)
    assert guard.violations == []


def test_a_bulk_update_is_seen_too(guard):
    consultation = ConsultationFactory()
    receive(consultation, text="Et svar.")

    def bypass():
        Response.objects.filter(consultation=consultation).update(status=ResponseStatus.REJECTED)

    bypass.__code__ = bypass.__code__.replace(co_filename=services.__file__)
    with pytest.raises(StaffWriteOutsideAction):
        bypass()


def test_test_setup_may_write_directly(guard):
    from samskab.core.models import Organisation

    Organisation.objects.create(name="Digitaliseringsstyrelsen")
    assert guard.violations == []


def test_an_admin_save_outside_an_action_is_refused(guard, rf):
    """A ModelAdmin that saves a staff model the plain Django way (no action) fails a test."""
    from django.contrib import admin

    from samskab.core.models import Organisation

    plain = admin.ModelAdmin(Organisation, admin.site)
    with pytest.raises(StaffWriteOutsideAction, match="core.Organisation"):
        plain.save_model(rf.post("/"), Organisation(name="Uden om"), None, False)
    assert guard.violations


def test_every_declared_model_exists():
    from django.apps import apps

    for label in STAFF_MODELS:
        assert apps.get_model(label)
