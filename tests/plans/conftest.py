"""A small plan built through the services, on a closed consultation with analysed ideas."""

from datetime import date

import pytest

from factories import ConsultationFactory, IdeaFactory, OrganisationFactory, UserFactory, receive
from samskab.core.actions import SystemActor
from samskab.plans import services

ACTOR = SystemActor("test")


@pytest.fixture
def editor(db):
    return UserFactory(roles=["plan_editor"])


@pytest.fixture
def world(db):
    consultation = ConsultationFactory(slug="ogp-test", closed=True)
    texts = ["Alle statslige tilskud bør offentliggøres som åbne data.",
             "Offentliggør tilskud til foreninger som åbne data, tak.",
             "Der bør oprettes et lobbyregister for ministerier."]
    responses = [receive(consultation, text=t, channel="email") for t in texts]
    from samskab.consultations.models import Response

    rows = list(Response.objects.filter(consultation=consultation).order_by("id"))
    grants = IdeaFactory(consultation=consultation, label="Åbne data om tilskud",
                         keywords=["tilskud"], responses=rows[:2])
    lobby = IdeaFactory(consultation=consultation, label="Lobbyregister", keywords=[],
                        responses=rows[2:])
    agency = OrganisationFactory(name="Finansministeriet")
    plan = services.plan_save(actor=ACTOR, title_da="Handlingsplan 2012–2013",
                              title_en="Action plan 2012–2013", period_start=date(2012, 4, 1),
                              period_end=date(2013, 3, 31), consultation=consultation)
    commitment = services.commitment_save(
        actor=ACTOR, plan=plan, lead_agency=agency, ogp_values=["access_to_information"],
        grand_challenges=["GC3"], values={
            "title_da": "Åbne data om statslige tilskud", "title_en": "Open data on grants",
            "problem_da": "Ingen kan se, hvem der får tilskud.\n\nTallene ligger i PDF'er.",
            "description_da": "Alle statslige tilskud offentliggøres som åbne data.",
            "new_initiative": True, "period_start": date(2012, 4, 1),
            "period_end": date(2013, 3, 31)})
    services.milestone_save(actor=ACTOR, commitment=commitment, values={
        "title_da": "Tilskudsdata offentliggøres på data.gov.dk",
        "deliverable_da": "Datasæt med alle statslige tilskud 2011",
        "start": date(2012, 4, 1), "end": date(2012, 10, 1)})
    return {"consultation": consultation, "responses": responses, "rows": rows,
            "grants": grants, "lobby": lobby, "plan": plan, "commitment": commitment,
            "agency": agency}
