from django.contrib import admin

from samskab.core.models import (
    AuditEvent,
    GrandChallenge,
    Membership,
    OgpValue,
    Organisation,
    OrganisationDomain,
)


@admin.register(GrandChallenge)
class GrandChallengeAdmin(admin.ModelAdmin):
    list_display = ["code", "title_da", "title_en"]


@admin.register(OgpValue)
class OgpValueAdmin(admin.ModelAdmin):
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


class OrganisationDomainInline(admin.TabularInline):
    model = OrganisationDomain
    extra = 1


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "kind", "cvr"]
    list_filter = ["kind"]
    search_fields = ["name", "short_name", "cvr", "domains__domain"]
    inlines = [OrganisationDomainInline, MembershipInline]
