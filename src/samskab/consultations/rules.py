"""Permission predicates of consultations (django-rules; style rule 6).

| permission                            | moderator | administrator/superuser |
| ------------------------------------- | --------- | ----------------------- |
| consultations.retry_raw_submission    | yes       | yes                     |

Retrying a quarantined or unrouted e-mail (the admin's action) is a moderator's work.
"""

import rules

from samskab.core.rules import is_administrator, is_moderator

rules.add_perm("consultations.retry_raw_submission", is_moderator | is_administrator)
