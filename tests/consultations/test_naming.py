"""How a respondent is named in public: one rule, the same in Python and in the database."""

import pytest

from factories import ConsultationFactory, receive
from samskab.consultations import services
from samskab.consultations.models import Response
from samskab.consultations.naming import public_name, public_name_expression

CASES = [
    # kind, organisation, name, consent → public name
    ("ngo", "Foreningen X", "Kontakt Person", True, "Foreningen X"),
    ("ngo", "Foreningen X", "Kontakt Person", False, "Foreningen X"),
    ("citizen", "", "Åse Bæk", True, "Åse Bæk"),
    ("citizen", "", "Åse Bæk", False, ""),
    ("citizen", "Arbejdsplads", "Åse Bæk", False, ""),  # a citizen's organisation: not shown
    ("business", "", "Kontakt Person", True, ""),  # a person's name never for an organisation
]


@pytest.mark.parametrize(("kind", "organisation", "name", "consent", "expected"), CASES)
def test_public_name(kind, organisation, name, consent, expected):
    assert public_name(kind=kind, organisation=organisation, name=name,
                       consent_name=consent) == expected


def _receive_every_case() -> None:
    consultation = ConsultationFactory()
    for kind, organisation, name, consent, _expected in CASES:
        receive(consultation, text=f"Svar fra {name} {organisation} {kind} {consent}.",
                respondent=services.RespondentData(kind=kind, organisation=organisation,
                                                   name=name, email="x@mail.example"),
                consent_publish_name=consent)


@pytest.mark.django_db
def test_the_database_expression_says_the_same():
    _receive_every_case()
    rows = (Response.objects.annotate(sender=public_name_expression())
            .select_related("respondent").order_by("pk"))
    for row, case in zip(rows, CASES, strict=True):
        assert row.sender == case[-1]


@pytest.mark.parametrize(("kind", "organisation", "name", "consent", "expected"), CASES)
def test_the_public_read_model_names_by_the_same_rule(kind, organisation, name, consent,
                                                      expected):
    """publishing.selectors names a respondent by `public_name`, and where nobody may be
    named, as "Borger (reference)"."""
    from samskab.publishing.selectors import respondent_label

    assert respondent_label(reference="R-1", kind=kind, organisation=organisation, name=name,
                            consent_name=consent) == (expected or "Borger (R-1)")


@pytest.mark.django_db
def test_published_responses_and_proposal_senders_use_the_same_expression():
    from samskab.publishing import selectors

    _receive_every_case()
    rows = (Response.objects.annotate(sender=selectors._sender()).order_by("pk")
            .values_list("sender", flat=True))
    assert list(rows) == [case[-1] for case in CASES]
