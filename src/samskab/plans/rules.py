"""Who may do what with action plans (django-rules; style rule 6).

| permission                 | moderator | analyst | plan editor | agency officer | administrator |
| -------------------------- | --------- | ------- | ----------- | -------------- | ------------- |
| plans.view_actionplan      | no        | yes     | yes         | yes            | yes           |
| plans.change_actionplan    | no        | no      | yes         | no             | yes           |
| plans.adopt_actionplan     | no        | no      | yes         | no             | yes           |
| plans.change_strategy      | no        | no      | yes         | no             | yes           |

change_actionplan: create and edit plans, commitments, milestones and their sources, make
versions, publish a draft for comment. adopt_actionplan: adopt and move a plan on through
implementation. Agency officers' updates of their own commitments belong to `tracking`.
Anyone else signed in gets 403; the public reads plans through `publishing`.
"""

import rules

from samskab.core.rules import (
    is_administrator,
    is_agency_officer,
    is_analyst,
    is_plan_editor,
)

can_edit_plans = is_plan_editor | is_administrator
can_view_plans = can_edit_plans | is_analyst | is_agency_officer

rules.add_perm("plans.view_actionplan", can_view_plans)
rules.add_perm("plans.add_actionplan", can_edit_plans)
rules.add_perm("plans.change_actionplan", can_edit_plans)
rules.add_perm("plans.change_commitment", can_edit_plans)
rules.add_perm("plans.adopt_actionplan", can_edit_plans)
rules.add_perm("plans.change_strategy", can_edit_plans)
