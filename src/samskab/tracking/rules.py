"""Who may do what in tracking (django-rules; style rule 6).

| permission                       | agency officer        | plan editor | administrator |
| -------------------------------- | --------------------- | ----------- | ------------- |
| tracking.view_dashboard          | yes                   | yes         | yes           |
| tracking.import_foreign          | no                    | yes         | yes           |

Object-level rules on commitments (progress, assessments, forum) are added beside them once
the plans app's models are in place.
"""

import rules

from samskab.core.rules import (
    is_administrator,
    is_agency_officer,
    is_analyst,
    is_moderator,
    is_plan_editor,
)

can_import_foreign = is_plan_editor | is_administrator
can_view_dashboard = is_plan_editor | is_agency_officer | is_analyst | is_moderator | \
    is_administrator

rules.add_perm("tracking.import_foreign", can_import_foreign)
rules.add_perm("tracking.view_dashboard", can_view_dashboard)
