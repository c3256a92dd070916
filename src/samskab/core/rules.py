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


@rules.predicate
def is_member_of_organisation(user, organisation) -> bool:
    """The user is a member of `organisation` (an Organisation, or None: never)."""
    if organisation is None or not getattr(user, "is_authenticated", False):
        return False
    return organisation.memberships.filter(user=user).exists()


rules.add_perm("core.view_organisation", is_staff_member)
rules.add_perm("core.add_organisation", is_administrator)
rules.add_perm("core.change_organisation", is_administrator)
