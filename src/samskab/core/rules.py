"""Permission predicates for what every app shares (django-rules)."""

import rules

from samskab.core import roles

is_moderator = rules.is_group_member(roles.MODERATOR)
is_analyst = rules.is_group_member(roles.ANALYST)
is_plan_editor = rules.is_group_member(roles.PLAN_EDITOR)
is_agency_officer = rules.is_group_member(roles.AGENCY_OFFICER)
is_administrator = rules.is_superuser | rules.is_group_member(roles.ADMINISTRATOR)
is_staff_member = (
    is_moderator | is_analyst | is_plan_editor | is_agency_officer | is_administrator
)

rules.add_perm("core.view_audit", is_administrator)
