"""Who may do what with analysis results and positions (django-rules; style rule 6).

| permission                  | moderator | analyst | plan editor | administrator/superuser |
| --------------------------- | --------- | ------- | ----------- | ----------------------- |
| insights.view_ideas         | yes       | yes     | yes         | yes                     |
| insights.view_analysis      | yes       | yes     | no          | yes                     |
| insights.change_analysis    | no        | yes     | no          | yes                     |

view_ideas: overview, ideas and their positions; view_analysis: groups, tag review queue and
tag quality; change_analysis: run the analysis, decide tags, split and merge groups, rename,
merge and split ideas, move proposals, set positions. Anyone else signed in gets 403.
"""

import rules

from samskab.core.rules import is_administrator, is_analyst, is_moderator, is_plan_editor

can_view_analysis = is_moderator | is_analyst | is_administrator
can_view_ideas = can_view_analysis | is_plan_editor
can_change_analysis = is_analyst | is_administrator

rules.add_perm("insights.view_ideas", can_view_ideas)
rules.add_perm("insights.view_analysis", can_view_analysis)
rules.add_perm("insights.change_analysis", can_change_analysis)
