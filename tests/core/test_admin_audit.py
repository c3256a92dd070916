"""The Django admin: received evidence read-only, every change audited, the audit log
append-only through every interface."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, User
from django.db import transaction
from django.urls import reverse

from factories import ConsultationFactory, OrganisationFactory, receive
from samskab.consultations.models import Response
from samskab.core.admin import AuditedModelAdmin
from samskab.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_every_admin_that_can_change_data_is_audited(rf, admin_user):
    request = rf.get("/")
    request.user = admin_user
    unaudited = []
    for model, model_admin in admin.site._registry.items():
        if isinstance(model_admin, AuditedModelAdmin):
            continue
        if any((model_admin.has_add_permission(request),
                model_admin.has_change_permission(request),
                model_admin.has_delete_permission(request))):
            unaudited.append(model._meta.label)
    assert unaudited == []


@pytest.fixture
def response():
    consultation = ConsultationFactory(slug="admin-test", reference_prefix="A")
    receipt = receive(consultation, text="Det oprindelige svar.", consent_publish_name=True)
    return Response.objects.get(pk=receipt.response_id)


def _change_form(admin_client, obj):
    """The admin change form's own POST data for `obj` (as a browser would send it back)."""
    url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])
    page = admin_client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is None:
            continue
        if isinstance(value, bool):
            if value:
                data[name] = "on"
            continue
        data[name] = [v.pk if hasattr(v, "pk") else v for v in value] if isinstance(
            value, list | tuple) else value
    for formset in page.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        for name in management.fields:
            data[f"{management.prefix}-{name}"] = management.initial.get(name, 0)
    return url, data


def test_received_text_status_consent_and_hash_cannot_be_changed_in_the_admin(
        admin_client, response):
    url, data = _change_form(admin_client, response)
    for name in ("text", "status", "consent_publish_name", "consent_publish_response",
                 "content_hash"):
        assert name not in data
    data.update(text="Omskrevet af en superbruger", status="published",
                consent_publish_name="", content_hash="0" * 64, language="en")
    answer = admin_client.post(url, data)
    assert answer.status_code == 302, answer.context["adminform"].form.errors
    response.refresh_from_db()
    assert response.text == "Det oprindelige svar."
    assert response.status != "published" and response.consent_publish_name is True
    assert response.content_hash != "0" * 64 and response.language == "en"
    event = AuditEvent.objects.for_object(response).get(action="admin.change")
    assert event.before == {"language": ""} and event.after == {"language": "en"}
    assert event.actor.username == "admin"


def test_admin_add_change_and_delete_write_audit_events(admin_client):
    organisation = OrganisationFactory(name="Styrelsen")
    url, data = _change_form(admin_client, organisation)
    data["name"] = "Styrelsen for Åbenhed"
    assert admin_client.post(url, data).status_code == 302
    # An organisation is saved through its service: the same audited action as everywhere.
    change = AuditEvent.objects.for_object(organisation).get(action="organisation.change")
    assert (change.before["name"], change.after["name"]) == ("Styrelsen", "Styrelsen for Åbenhed")
    assert change.actor.username == "admin"
    delete_url = reverse("admin:core_organisation_delete", args=[organisation.pk])
    assert admin_client.post(delete_url, {"post": "yes"}).status_code == 302
    deleted = AuditEvent.objects.get(action="admin.delete", object_type="core.organisation")
    assert deleted.object_id == str(organisation.pk)
    assert deleted.before["name"] == "Styrelsen for Åbenhed"


def test_bulk_delete_action_audits_each_row(admin_client):
    groups = [Group.objects.create(name=f"gruppe {n}") for n in range(3)]
    answer = admin_client.post(reverse("admin:auth_group_changelist"), {
        "action": "delete_selected", "post": "yes",
        "_selected_action": [g.pk for g in groups],
    })
    assert answer.status_code == 302
    assert not Group.objects.filter(pk__in=[g.pk for g in groups]).exists()
    assert sorted(AuditEvent.objects.filter(action="admin.delete").values_list(
        "object_id", flat=True)) == sorted(str(g.pk) for g in groups)


def test_admin_password_change_is_audited_without_the_hash(admin_client):
    user = User.objects.create_user("medarbejder", password="gammel-kode-123")
    url = reverse("admin:auth_user_password_change", args=[user.pk])
    answer = admin_client.post(url, {"password1": "Ny-kode-der-holder-42",
                                     "password2": "Ny-kode-der-holder-42",
                                     "usable_password": "true"})
    assert answer.status_code == 302
    event = AuditEvent.objects.for_object(user).get(action="admin.password_change")
    assert event.after == {"password": "(ændret)"}


def test_admin_inline_changes_are_audited(admin_client):
    from samskab.core.models import Membership

    organisation = OrganisationFactory(name="Kommunen")
    officer = User.objects.create_user("officer")
    url, data = _change_form(admin_client, organisation)
    data.update({"memberships-TOTAL_FORMS": 1, "memberships-0-user": officer.pk,
                 "domains": "aadal.example\nwww.aadal.example"})
    answer = admin_client.post(url, data)
    assert answer.status_code == 302, answer.context["adminform"].form.errors
    assert Membership.objects.filter(organisation=organisation, user=officer).exists()
    added = AuditEvent.objects.for_object(organisation).get(action="organisation.member_add")
    assert added.after == {"member": "officer", "created": True}
    change = AuditEvent.objects.for_object(organisation).get(action="organisation.change")
    assert change.after["domains"] == ["aadal.example", "www.aadal.example"]
    assert sorted(organisation.domains.values_list("domain", flat=True)) == [
        "aadal.example", "www.aadal.example"]


@pytest.mark.parametrize(("field", "value", "error"), [
    ("domains", "gmail.com", "gratis e-mailtjeneste"),
    ("domains", "ikke et domæne", "ikke et e-maildomæne"),
    ("cvr", "1234", "otte cifre"),
    ("name", "andre kommune", "findes allerede"),
])
def test_the_organisation_admin_refuses_what_the_service_refuses(admin_client, field, value,
                                                                 error):
    organisation = OrganisationFactory(name="Kommunen")
    OrganisationFactory(name="Andre Kommune")
    before = AuditEvent.objects.for_object(organisation).count()  # the factory's own creation
    url, data = _change_form(admin_client, organisation)
    data[field] = value
    answer = admin_client.post(url, data)
    assert answer.status_code == 200
    assert error in str(answer.context["adminform"].form.errors[field])
    assert AuditEvent.objects.for_object(organisation).count() == before


def test_an_organisation_added_in_the_admin_is_created_by_the_service(admin_client):
    from samskab.core.models import Organisation

    answer = admin_client.post(reverse("admin:core_organisation_add"), {
        "name": "Ældre  Sagen", "kind": "ngo", "cvr": "1234 5678", "domains": "@AELDRESAGEN.dk",
        "memberships-TOTAL_FORMS": 0, "memberships-INITIAL_FORMS": 0})
    assert answer.status_code == 302, answer.context["adminform"].form.errors
    organisation = Organisation.objects.get(name="Ældre Sagen")
    assert organisation.cvr == "12345678" and organisation.name_key == "aldre sagen"
    assert list(organisation.domains.values_list("domain", flat=True)) == ["aeldresagen.dk"]
    created = AuditEvent.objects.for_object(organisation).get()
    assert created.action == "organisation.create" and created.actor.username == "admin"


# The audit log itself ---------------------------------------------------------------------


@pytest.fixture
def event(admin_user):
    from samskab.core.services import audit_record

    organisation = OrganisationFactory()
    return audit_record(actor=admin_user, action="test.event", obj=organisation,
                        after={"x": 1})


def test_audit_events_cannot_be_changed_or_deleted_in_the_admin(admin_client, event):
    events = AuditEvent.objects.count()
    change = reverse("admin:core_auditevent_change", args=[event.pk])
    assert admin_client.post(change, {"action": "rewritten"}).status_code == 403
    delete = reverse("admin:core_auditevent_delete", args=[event.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    bulk = admin_client.post(reverse("admin:core_auditevent_changelist"), {
        "action": "delete_selected", "post": "yes", "_selected_action": [event.pk]})
    assert bulk.status_code in (200, 302, 403)
    assert reverse("admin:core_auditevent_add") and admin_client.get(
        reverse("admin:core_auditevent_add")).status_code == 403
    event.refresh_from_db()
    assert event.action == "test.event"
    assert AuditEvent.objects.count() == events


@pytest.mark.parametrize("attempt", [
    lambda e: AuditEvent.objects.filter(pk=e.pk).update(action="x"),
    lambda e: AuditEvent.objects.filter(pk=e.pk).delete(),
    lambda e: AuditEvent.objects.all().delete(),
    lambda e: AuditEvent.objects.bulk_update([e], ["action"]),
    lambda e: e.delete(),
    lambda e: (setattr(e, "action", "x"), e.save()),
    lambda e: (setattr(e, "action", "x"), e.save(update_fields=["action"])),
])
def test_audit_events_cannot_be_changed_or_deleted_through_querysets_or_instances(
        event, attempt):
    with pytest.raises(TypeError, match="append-only"), transaction.atomic():
        attempt(event)
    fresh = AuditEvent.objects.get(pk=event.pk)
    assert (fresh.action, fresh.after) == ("test.event", {"x": 1})
