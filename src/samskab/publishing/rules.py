"""Who may edit and download the høringsnotat."""

import rules

from samskab.core.rules import is_administrator, is_analyst, is_moderator

can_write_notat = is_analyst | is_administrator
rules.add_perm("publishing.view_notat", can_write_notat | is_moderator)
rules.add_perm("publishing.change_notat", can_write_notat)
