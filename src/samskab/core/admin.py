from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, User
from django.db import models
from django.utils.translation import gettext_lazy as _

from samskab.core.actions import staff_action
from samskab.core.errors import DomainError
from samskab.core.models import (
    AuditEvent,
    GrandChallenge,
    Membership,
    OgpValue,
    Organisation,
)
from samskab.core.services import (
    membership_add,
    membership_remove,
    organisation_check,
    organisation_save,
)

# --- Every admin change is audited -------------------------------------------------------------

_SECRET_FIELDS = ("password", "secret", "secret_hash")


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, models.QuerySet):
        return sorted(str(pk) for pk in value.values_list("pk", flat=True))
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    return str(value)


def _form_change(form) -> tuple[dict[str, Any], dict[str, Any]]:
    """(before, after) of the fields the admin form changed; secrets only named."""
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for name in form.changed_data:
        if any(secret in name for secret in _SECRET_FIELDS):
            before[name] = after[name] = "(ændret)"
            continue
        initial = form.initial.get(name)
        if initial is None and form.instance.pk is not None and hasattr(form.instance, name):
            initial = getattr(form.instance, name, None)
        before[name] = _jsonable(initial)
        after[name] = _jsonable(form.cleaned_data.get(name))
    return before, after


def _state(obj: models.Model) -> dict[str, Any]:
    return {
        field.attname: _jsonable(getattr(obj, field.attname))
        for field in obj._meta.concrete_fields
        if not any(secret in field.name for secret in _SECRET_FIELDS)
    }


@dataclass(frozen=True)
class _Deleted:
    """What the audit log needs of a row that is gone (its pk is None after delete())."""

    _meta: Any
    pk: Any


class AuditedModelAdmin(admin.ModelAdmin):
    """A ModelAdmin whose every add, change and delete (the change form, inlines, list_editable,
    the delete page and the bulk delete action) runs as a staff action and writes AuditEvents
    (`admin.add`, `admin.change`, `admin.delete`, with the fields before and after) in the same
    transaction. Every admin in the project derives from it; a test holds them to it."""

    def save_object(self, request, obj, form, change) -> None:
        """Store `obj` (override this, not save_model, to save differently)."""
        super().save_model(request, obj, form, change)

    def save_model(self, request, obj, form, change):
        before, after = _form_change(form)
        with staff_action(actor=request.user, perm=None, name="admin.change" if change
                          else "admin.add", audit_required=False) as act:
            self.save_object(request, obj, form, change)
            if after or not change:
                act.audit(obj, before=before if change else None,
                          after=after if change else _state(obj))

    def save_formset(self, request, form, formset, change):
        gone = [(_Deleted(f.instance._meta, f.instance.pk), _state(f.instance))
                for f in formset.deleted_forms if f.instance.pk is not None]
        with staff_action(actor=request.user, perm=None, name="admin.change",
                          audit_required=False) as act:
            super().save_formset(request, form, formset, change)
            for obj in formset.new_objects:
                act.audit(obj, after=_state(obj), action="admin.add")
            for obj, fields in formset.changed_objects:
                act.audit(obj, after={name: _jsonable(getattr(obj, name, None))
                                      for name in fields}, action="admin.change")
            for stand_in, before in gone:
                act.audit(stand_in, before=before, action="admin.delete")

    def delete_model(self, request, obj):
        stand_in, before = _Deleted(obj._meta, obj.pk), _state(obj)
        with staff_action(actor=request.user, perm=None, name="admin.delete") as act:
            super().delete_model(request, obj)
            act.audit(stand_in, before=before)

    def delete_queryset(self, request, queryset):
        rows = [(_Deleted(obj._meta, obj.pk), _state(obj)) for obj in queryset]
        with staff_action(actor=request.user, perm=None, name="admin.delete",
                          audit_required=False) as act:
            super().delete_queryset(request, queryset)
            for stand_in, before in rows:
                act.audit(stand_in, before=before)


class AuditedUserAdmin(AuditedModelAdmin, UserAdmin):
    def user_change_password(self, request, id, form_url=""):
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            user = self.get_object(request, id)
            if user is not None:
                with staff_action(actor=request.user, perm=None,
                                  name="admin.password_change") as act:
                    act.audit(user, after={"password": "(ændret)"})
        return response


class AuditedGroupAdmin(AuditedModelAdmin, GroupAdmin):
    pass


for _model, _admin_class in ((User, AuditedUserAdmin), (Group, AuditedGroupAdmin)):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)
    admin.site.register(_model, _admin_class)


def _audit_library_admins() -> None:
    """The sign-in libraries' admins (two-factor devices, django-axes' lockout records) take the
    same audited path: a superuser who removes a device or a lockout leaves an AuditEvent."""
    for model in list(admin.site._registry):
        if model._meta.app_label not in {"otp_totp", "axes"}:
            continue
        library_admin = type(admin.site._registry[model])
        audited = type(f"Audited{library_admin.__name__}",
                       (AuditedModelAdmin, library_admin), {})
        admin.site.unregister(model)
        admin.site.register(model, audited)


_audit_library_admins()


@admin.register(GrandChallenge)
class GrandChallengeAdmin(AuditedModelAdmin):
    list_display = ["code", "title_da", "title_en"]


@admin.register(OgpValue)
class OgpValueAdmin(AuditedModelAdmin):
    list_display = ["code", "title_da", "title_en"]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "actor_label", "action", "object_type", "object_id"]
    list_filter = ["action", "object_type"]
    readonly_fields = [f.name for f in AuditEvent._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


class OrganisationAdminForm(forms.ModelForm):
    """The organisation's fields and its e-mail domains (one a line), checked by the service
    (`core.services.organisation_check`) so the admin refuses what the service refuses (a free-
    mail domain, another organisation's domain, a malformed CVR)."""

    domains = forms.CharField(
        label=_("e-maildomæner"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Ét domæne pr. linje, fx digst.dk. Underdomæner hører med."))
    cvr = forms.CharField(  # "34 05 11 78" as printed; the service keeps the eight digits
        label=_("CVR-nummer"), max_length=11, required=False,
        help_text=_("Det danske virksomhedsnummer (otte cifre), hvor det kendes."))

    class Meta:
        model = Organisation
        fields = ["name", "short_name", "kind", "cvr", "website"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["domains"] = "\n".join(
                self.instance.domains.values_list("domain", flat=True))

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {"name": data.get("name") or "", "kind": data.get("kind") or "",
                "short_name": data.get("short_name") or "", "cvr": data.get("cvr") or "",
                "website": data.get("website") or "",
                "domains": (data.get("domains") or "").split()}

    def _post_clean(self):
        # The service's rules, not the model's: the service saves (unique name compared
        # without case, CVR with spaces allowed, domains).
        try:
            organisation_check(**self.service_kwargs(),
                               organisation=self.instance if self.instance.pk else None)
        except DomainError as error:
            self.add_error(error.field if error.field in self.fields else None,
                           str(error.message))


@admin.register(Organisation)
class OrganisationAdmin(AuditedModelAdmin):
    """Saves through the service (`organisation_save`, `membership_add`/`_remove`): the same
    checks and the same audited actions as every other way of changing an organisation."""

    form = OrganisationAdminForm
    list_display = ["name", "short_name", "kind", "cvr"]
    list_filter = ["kind"]
    search_fields = ["name", "short_name", "cvr", "domains__domain"]
    inlines = [MembershipInline]

    def save_model(self, request, obj, form, change):
        organisation_save(actor=request.user, organisation=obj, **form.service_kwargs())

    def save_formset(self, request, form, formset, change):
        organisation = form.instance
        # What the admin's change message reads (ModelFormSet.save would set these).
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for inline in formset.deleted_forms:
            if inline.instance.pk is not None:
                membership_remove(actor=request.user, organisation=organisation,
                                  user=inline.instance.user)
                formset.deleted_objects.append(inline.instance)
        for inline in formset.forms:
            if inline in formset.deleted_forms or not inline.has_changed():
                continue
            user = inline.cleaned_data.get("user")
            if user is None:
                continue
            if inline.instance.pk is not None and inline.initial.get("user") != user.pk:
                previous = type(user).objects.get(pk=inline.initial["user"])
                membership_remove(actor=request.user, organisation=organisation, user=previous)
                formset.deleted_objects.append(inline.instance)
            formset.new_objects.append(
                membership_add(actor=request.user, organisation=organisation, user=user))
