"""Who may do what in tracking (django-rules; style rule 6).

| permission                  | object     | agency officer                | plan editor | admin |
| --------------------------- | ---------- | ----------------------------- | ----------- | ----- |
| tracking.update_progress    | Commitment | only if a member of its lead  | yes         | yes   |
| tracking.assess             | Commitment | no                            | yes         | yes   |
| tracking.record_forum       | ActionPlan | no                            | yes         | yes   |
| tracking.self_assess        | ActionPlan | no                            | yes         | yes   |
| tracking.import_foreign     | —          | no                            | yes         | yes   |
| tracking.view_dashboard     | —          | yes                           | yes         | yes   |

Moderators and analysts may view the staff dashboard too. The public reads published plans'
progress, forum log, assessments and dashboards through publishing.
"""

import rules

from samskab.core.rules import (
    is_administrator,
    is_agency_officer,
    is_analyst,
    is_member_of_organisation,
    is_moderator,
    is_plan_editor,
)


@rules.predicate
def leads_commitment(user, commitment) -> bool:
    """The user is a member of the commitment's lead implementing agency."""
    if commitment is None:
        return False
    return is_member_of_organisation(user, commitment.lead_agency)


can_update_progress = is_administrator | is_plan_editor | (is_agency_officer & leads_commitment)
can_coordinate = is_plan_editor | is_administrator
can_view_dashboard = is_plan_editor | is_agency_officer | is_analyst | is_moderator | \
    is_administrator

rules.add_perm("tracking.update_progress", can_update_progress)
rules.add_perm("tracking.assess", can_coordinate)
rules.add_perm("tracking.record_forum", can_coordinate)
rules.add_perm("tracking.self_assess", can_coordinate)
rules.add_perm("tracking.import_foreign", can_coordinate)
rules.add_perm("tracking.view_dashboard", can_view_dashboard)
