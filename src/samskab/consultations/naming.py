"""How a respondent is named where the public (or a page that must respect the same consent)
can see it: the one rule, in Python and as a database expression.

An organisation, an authority or a business is named by its organisation name; a private person
by name only when they consented to its publication; otherwise nobody is named ("") and the
caller shows its own neutral fallback (the response's reference, the kind of respondent).
A person's name is never shown for a respondent who answered on an organisation's behalf.
"""

from django.db.models import Case, CharField, F, Q, Value, When

from samskab.consultations.models import RespondentKind


def public_name(*, kind: str, organisation: str, name: str, consent_name: bool) -> str:
    if kind != RespondentKind.CITIZEN:
        return organisation or ""
    return name if consent_name and name else ""


def public_name_expression(respondent: str = "respondent__",
                           consent: str = "consent_publish_name") -> Case:
    """`public_name` for a queryset of responses (annotate with it)."""
    return Case(
        When(~Q(**{f"{respondent}kind": RespondentKind.CITIZEN}),
             then=F(f"{respondent}organisation")),
        When(**{consent: True}, then=F(f"{respondent}name")),
        default=Value(""),
        output_field=CharField(),
    )
