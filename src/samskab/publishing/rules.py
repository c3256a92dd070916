"""Who may edit, download and publish the høringsnotat (django-rules; style rule 6).

| permission                  | moderator | analyst | administrator/superuser |
| --------------------------- | --------- | ------- | ----------------------- |
| publishing.view_notat       | yes       | yes     | yes                     |
| publishing.change_notat     | no        | yes     | yes                     |
| publishing.publish_notat    | no        | yes     | yes                     |
"""

import rules

from samskab.core.rules import is_administrator, is_analyst, is_moderator

can_write_notat = is_analyst | is_administrator
rules.add_perm("publishing.view_notat", can_write_notat | is_moderator)
rules.add_perm("publishing.change_notat", can_write_notat)
rules.add_perm("publishing.publish_notat", can_write_notat)
