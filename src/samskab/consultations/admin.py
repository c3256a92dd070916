from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from samskab.consultations.models import (
    Attachment,
    Consultation,
    ConsultationDocument,
    InvitedParty,
    ProcessStep,
    RawSubmission,
    Response,
    Theme,
)
from samskab.core.admin import AuditedModelAdmin

admin.site.site_header = _("Samskab – administration")
admin.site.site_title = _("Samskab")


class ThemeInline(admin.TabularInline):
    model = Theme
    extra = 0


class ProcessStepInline(admin.TabularInline):
    model = ProcessStep
    extra = 0


class DocumentInline(admin.TabularInline):
    model = ConsultationDocument
    extra = 0


class InvitedPartyInline(admin.TabularInline):
    model = InvitedParty
    extra = 0


@admin.register(Consultation)
class ConsultationAdmin(AuditedModelAdmin):
    list_display = ["title_da", "slug", "opens_at", "closes_at", "status_label"]
    prepopulated_fields = {"slug": ["title_da"]}
    filter_horizontal = ["grand_challenges", "focus_challenges", "ogp_values"]
    inlines = [ThemeInline, ProcessStepInline, DocumentInline, InvitedPartyInline]

    @admin.display(description=_("status"))
    def status_label(self, obj):
        return obj.status_label


class AttachmentInline(admin.TabularInline):
    model = Attachment
    extra = 0
    fields = ["original_name", "mime_type", "size", "sha256", "extraction_status", "ocr"]
    readonly_fields = fields
    can_delete = False


@admin.register(Response)
class ResponseAdmin(AuditedModelAdmin):
    list_display = ["reference", "consultation", "respondent_kind", "organisation", "channel",
                    "received_at", "status", "late"]
    list_filter = ["consultation", "channel", "status", "late", "respondent__kind", "language"]
    search_fields = ["reference", "text", "respondent__organisation", "respondent__name"]
    list_select_related = ["consultation", "respondent"]
    # What was received is evidence: text, status (changed in the workspace, audited there),
    # consent and the hash that proves the text are never edited here.
    readonly_fields = ["reference", "consultation", "respondent", "channel", "received_at",
                       "text", "status", "consent_publish_name", "consent_publish_response",
                       "late", "idempotency_key", "content_hash", "source"]
    inlines = [AttachmentInline]
    date_hierarchy = "received_at"

    @admin.display(description=_("afsendertype"), ordering="respondent__kind")
    def respondent_kind(self, obj):
        return obj.respondent.get_kind_display()

    @admin.display(description=_("organisation"), ordering="respondent__organisation")
    def organisation(self, obj):
        return obj.respondent.organisation

    def has_add_permission(self, request):
        # Responses come in through services.response_receive only.
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RawSubmission)
class RawSubmissionAdmin(AuditedModelAdmin):
    list_display = ["received_at", "channel", "status", "source_key", "consultation"]
    list_filter = ["status", "channel"]
    readonly_fields = ["channel", "source_key", "received_at", "content_hash", "status",
                       "reason", "consultation", "response", "metadata"]
    exclude = ["raw"]
    actions = ["retry"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Prøv igen (fortolk og sortér på ny)"))
    def retry(self, request, queryset):
        from samskab.consultations.intake.mail import raw_submission_retry

        outcomes: dict[str, int] = {}
        for submission in queryset.exclude(status="accepted"):
            result = raw_submission_retry(submission=submission, actor=request.user)
            outcomes[result.status] = outcomes.get(result.status, 0) + 1
        summary = ", ".join(f"{status}: {n}" for status, n in sorted(outcomes.items()))
        self.message_user(request, summary or _("Intet at gøre."))
