"""Fixtures for the analysis app: a private state directory and small hand-made Danish data."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from factories import ConsultationFactory, ThemeFactory, receive
from samskab.consultations import services as consultation_services
from samskab.consultations.models import Response
from samskab.core import roles

CAMPAIGN = (
    "Jeg støtter kravet om, at alle kommunale budgetter og regnskaber offentliggøres som åbne "
    "data i et maskinlæsbart format, så borgerne selv kan følge med i, hvordan skattekronerne "
    "bruges. Det vil styrke tilliden til den offentlige forvaltning og gøre det lettere for "
    "journalister og forskere at sammenligne kommunerne."
)
GREETINGS = ["Hej.", "Kære Digitaliseringsstyrelse", "Goddag", "Til rette vedkommende", "",
             "Hej med jer", "Kære styrelse", "Goddag."]
ADDITIONS = {
    1: "Min egen kommune lægger kun regnskabet ud som en scannet PDF, og det kan ingen bruge.",
    4: "Som kasserer i en grundejerforening ved jeg, hvor svært det er at finde tallene.",
}
SINGLES = [
    "Vi foreslår, at ventetiden på digital selvbetjening nedbringes, og at borger.dk "
    "får en bedre søgefunktion til ældre borgere.\n\n"
    "For det andet bør telemedicin tilbydes til patienter med kroniske sygdomme.",
    "Der bør oprettes et offentligt lobbyregister, så det bliver synligt, hvem ministrene mødes "
    "med, og ministrenes kalendere bør offentliggøres hver uge.",
    "Offentlige indkøb og udbud skal offentliggøres med kontrakter og leverandører, så "
    "borgerne kan se, hvordan pengene bruges.",
    "Kommunen bør varsle borgerne ved oversvømmelse og ekstremt vejr med SMS, og "
    "klimatilpasning skal prioriteres i beredskabet.",
    "Telemedicin bør tilbydes som standard til patienter med kroniske sygdomme som KOL og "
    "diabetes, så de slipper for mange besøg på sygehuset.",
    "Vi anbefaler, at der oprettes et lobbyregister, og at ministres kalendere bliver "
    "offentlige, så man kan se, hvem der påvirker lovgivningen.",
]
PRIVATE_NAME = "Gudrun Hemmelighedsen"
PRIVATE_EMAIL = "gudrun.hemmelig@privat.example"


@pytest.fixture(autouse=True)
def _state_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"


@pytest.fixture
def small(db):
    """A consultation with a form-letter campaign of eight copies (two with personal
    additions), six individual answers from named organisations and a private person."""
    consultation = ConsultationFactory()
    ThemeFactory(consultation=consultation, slug="sundhed", title_da="Sundhed",
                 keywords=["telemedicin", "sundhed"])
    campaign = []
    for i, greeting in enumerate(GREETINGS):
        text = "\n".join(x for x in (greeting, CAMPAIGN, ADDITIONS.get(i, ""),
                                     "Med venlig hilsen") if x)
        receipt = receive(consultation, text=text, respondent=consultation_services.RespondentData(
            kind="citizen", name=f"Borger {i}", email=f"borger{i}@mail.example"))
        campaign.append(Response.objects.get(pk=receipt.response_id))
    singles = []
    for i, text in enumerate(SINGLES):
        if i == 4:
            respondent = consultation_services.RespondentData(
                kind="citizen", name=PRIVATE_NAME, email=PRIVATE_EMAIL)
        else:
            respondent = consultation_services.RespondentData(
                kind="ngo", name="Kontakt Person", organisation=f"Foreningen nr. {i}",
                email=f"kontakt{i}@forening.example")
        singles.append(Response.objects.get(
            pk=receive(consultation, text=text, respondent=respondent).response_id))
    return {"consultation": consultation, "campaign": campaign, "singles": singles,
            "additions": ADDITIONS, "campaign_text": CAMPAIGN, "private_name": PRIVATE_NAME,
            "private_email": PRIVATE_EMAIL}


def _user(username: str, role: str | None):
    user = get_user_model().objects.create_user(username=username, password="pw")
    if role:
        user.groups.add(Group.objects.get_or_create(name=role)[0])
    return user


@pytest.fixture
def analyst(db):
    return _user("analytiker", roles.ANALYST)


@pytest.fixture
def users(db):
    return {
        "anonymous": None,
        "nostaff": _user("udenfor", None),
        "agency_officer": _user("myndighed", roles.AGENCY_OFFICER),
        "moderator": _user("moderator", roles.MODERATOR),
        "plan_editor": _user("planredaktoer", roles.PLAN_EDITOR),
        "analyst": _user("analytiker2", roles.ANALYST),
        "administrator": _user("admin", roles.ADMINISTRATOR),
    }
