"""Staff manage API tokens here: create (the secret is shown once) and revoke."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from samskab.api import services
from samskab.api.models import ApiToken
from samskab.core.admin import AuditedModelAdmin


@admin.register(ApiToken)
class ApiTokenAdmin(AuditedModelAdmin):
    list_display = ["name", "consultation", "prefix", "created_by", "created_at",
                    "last_used_at", "revoked_at"]
    list_filter = ["consultation", ("revoked_at", admin.EmptyFieldListFilter)]
    list_select_related = ["consultation", "created_by"]
    search_fields = ["name", "prefix", "consultation__slug"]
    readonly_fields = ["prefix", "created_by", "created_at", "last_used_at", "revoked_at"]
    actions = ["revoke"]

    def _may_manage(self, request) -> bool:
        return request.user.has_perm("api.manage_tokens")

    def has_module_permission(self, request) -> bool:
        return self._may_manage(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return self._may_manage(request)

    def has_add_permission(self, request) -> bool:
        return self._may_manage(request)

    def has_change_permission(self, request, obj=None) -> bool:
        return self._may_manage(request)

    def has_delete_permission(self, request, obj=None) -> bool:
        # Kept for the record of who had access and until when: revoke instead.
        return False

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return self.readonly_fields
        return ["consultation", "name", *self.readonly_fields]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["consultation", "name", "description"]
        return ["consultation", "name", "description", *self.readonly_fields]

    def save_object(self, request, obj, form, change):
        if change:
            obj.save(update_fields=["description"])
            return
        token, secret = services.api_token_create(
            consultation=obj.consultation, name=obj.name, description=obj.description,
            actor=request.user,
        )
        # The admin goes on with `obj` (change log, redirect): make it the stored token.
        obj.pk = token.pk
        obj._state.adding = False
        obj.__dict__.update({name: getattr(token, name) for name in (
            "prefix", "secret_hash", "created_by_id", "created_at",
        )})
        messages.warning(
            request,
            _("API-nøglen »%(name)s« er oprettet. Kopiér den nu; den vises ikke igen: "
              "%(secret)s") % {"name": token.name, "secret": secret},
        )

    @admin.action(description=_("Tilbagekald de valgte API-nøgler"))
    def revoke(self, request, queryset):
        count = 0
        for token in queryset.filter(revoked_at__isnull=True):
            services.api_token_revoke(token=token, actor=request.user)
            count += 1
        self.message_user(
            request, _("%(n)s API-nøgle(r) tilbagekaldt.") % {"n": count}, messages.SUCCESS,
        )
