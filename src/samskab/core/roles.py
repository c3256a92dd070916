"""Staff roles (design.md): each is a Django group; permissions are predicates in rules.py."""

from django.utils.translation import gettext_lazy as _

MODERATOR = "moderator"
ANALYST = "analyst"
PLAN_EDITOR = "plan_editor"
AGENCY_OFFICER = "agency_officer"
ADMINISTRATOR = "administrator"

ROLE_LABELS = {
    MODERATOR: _("Moderator"),
    ANALYST: _("Analytiker"),
    PLAN_EDITOR: _("Planredaktør"),
    AGENCY_OFFICER: _("Myndighedsansvarlig"),
    ADMINISTRATOR: _("Administrator"),
}
STAFF_ROLES = tuple(ROLE_LABELS)
