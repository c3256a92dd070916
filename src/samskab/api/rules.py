"""Permission predicates of the API (django-rules).

Two kinds of caller: staff who manage tokens (administrators), and other portals that hold a
token, which admits exactly one consultation."""

import rules

from samskab.core.rules import is_administrator


@rules.predicate
def token_admits_consultation(token, consultation) -> bool:
    return (
        token is not None
        and consultation is not None
        and token.revoked_at is None
        and token.consultation_id == consultation.pk
    )


rules.add_rule("api.token_may_submit", token_admits_consultation)
rules.add_perm("api.manage_tokens", is_administrator)
