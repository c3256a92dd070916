"""Who may do what in the staff workspace (django-rules; style rule 6).

| permission                            | moderator | analyst | administrator/superuser |
| ------------------------------------- | --------- | ------- | ----------------------- |
| workspace.view_workspace (home, inbox, response, history, høringsliste page)     |
|                                       | yes       | yes     | yes                     |
| workspace.download_attachment         | yes       | yes     | yes                     |
| workspace.view_respondent_private     | yes       | no      | yes                     |
| workspace.moderate_response           | yes       | no      | yes                     |
| workspace.register_letter             | yes       | no      | yes                     |
| workspace.manage_invited_parties      | yes       | no      | yes                     |

Plan editors and agency officers have their own pages (action plans, commitments); the
consultation workspace is closed to them. Analysts read and (later) code content; they do not
see a respondent's e-mail or postal address, and do not decide on publication.
"""

import rules

from samskab.core.rules import is_administrator, is_analyst, is_moderator

is_workspace_member = is_moderator | is_analyst | is_administrator
can_moderate = is_moderator | is_administrator

rules.add_perm("workspace.view_workspace", is_workspace_member)
rules.add_perm("workspace.download_attachment", is_workspace_member)
rules.add_perm("workspace.view_respondent_private", can_moderate)
rules.add_perm("workspace.moderate_response", can_moderate)
rules.add_perm("workspace.register_letter", can_moderate)
rules.add_perm("workspace.manage_invited_parties", can_moderate)
