"""The demo's action plan: a plausible Danish OGP plan for 2012–2013, built from the demo
consultation's ideas, put out for public comment with a few comments analysed.

Each commitment is traced to the ideas whose typical proposal holds the given words (linking
them records the position as adopted or partly adopted). One commitment repeats an initiative
of the digitisation strategy 2011–2015 while marked new (COMMITMENT-NOT-NEW), one has a vague
milestone (MILESTONE-NOT-VERIFIABLE). The strategy's initiatives are summarised in our own
words. The plan is left in public comment (its comment period closed in March 2012), for a
plan editor to revise and adopt.

Idempotent: when the plan exists, nothing is changed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from samskab.consultations.models import Channel, Consultation, RespondentKind
from samskab.consultations.services import RespondentData
from samskab.core.actions import SystemActor
from samskab.core.models import OrganisationKind
from samskab.core.services import organisation_by_name, organisation_save
from samskab.insights.models import Idea, PositionKind
from samskab.plans import services
from samskab.plans.models import ActionPlan

PLAN_SLUG = "dk-2012-2013"
CONSULTATION_SLUG = "ogp-2012"
STRATEGY_SLUG = "digitaliseringsstrategi-2011-2015"
CPH = ZoneInfo("Europe/Copenhagen")
ACTOR = SystemActor("demo")

STRATEGY = {
    "title": "Den fællesoffentlige digitaliseringsstrategi 2011–2015",
    "initiatives": [
        ("1.1", "Digital post til alle",
         "Borgere og virksomheder får breve fra myndighederne i en sikker digital postkasse, og "
         "papirbreve udfases frem mod 2014."),
        ("1.2", "Obligatorisk digital selvbetjening",
         "Ansøgninger og anmeldelser på udvalgte områder skal ske digitalt via borger.dk og "
         "virk.dk, med hjælp til de borgere, der ikke kan."),
        ("1.3", "Fælles log-in med NemID",
         "Én digital signatur og ét log-in til alle offentlige selvbetjeningsløsninger."),
        ("2.1", "Telemedicin til borgere med kroniske sygdomme",
         "Patienter med fx KOL og diabetes skal kunne tage målinger hjemme og sende dem "
         "digitalt til sygehuset i stedet for at møde op."),
        ("2.2", "Digital læring i folkeskolen",
         "Skolerne får digitale læremidler og en fælles infrastruktur for elevplaner."),
        ("3.1", "Gode grunddata til alle",
         "Adresser, kort, ejendomme og virksomhedsoplysninger kvalitetssikres, samles ét sted "
         "og stilles gratis til rådighed for myndigheder og virksomheder, så grunddata "
         "genbruges frem for at blive indtastet igen."),
        ("3.2", "Fælles it-infrastruktur",
         "NemLog-in, Digital Post og NemKonto videreudvikles som fælles komponenter for hele "
         "den offentlige sektor."),
        ("3.3", "Bedre styring af statens it-projekter",
         "Store statslige it-projekter risikovurderes af et it-projektråd, før de sættes i "
         "gang."),
    ],
}


@dataclass(frozen=True)
class DemoMilestone:
    title: str
    deliverable: str
    start: str
    end: str


@dataclass(frozen=True)
class DemoCommitment:
    title: str
    title_en: str
    lead: str
    challenges: tuple[str, ...]
    values: tuple[str, ...]
    problem: str
    description: str
    how: str
    ideas: tuple[tuple[str, ...], ...]  # words the idea's typical proposal must all hold
    milestones: tuple[DemoMilestone, ...]
    new: bool = True
    continues: str = ""  # "strategy-slug:identifier"
    partly: tuple[int, ...] = ()  # indexes of `ideas` linked as partly adopted


M = DemoMilestone
COMMITMENTS = [
    DemoCommitment(
        "Gode grunddata stilles gratis til rådighed", "Free basic data for everyone",
        "Digitaliseringsstyrelsen", ("GC3",), ("access_to_information",),
        "Adresser, kort, ejendomme og virksomhedsoplysninger ligger i mange registre og "
        "koster penge at bruge.\n\nMyndigheder og virksomheder indtaster de samme oplysninger "
        "igen og igen.",
        "Grunddata om adresser, kort, bygninger og virksomheder bliver gratis for alle brugere "
        "og samles i en fælles distribution, så myndighederne genbruger dem i stedet for at "
        "taste dem ind igen.",
        "Gratis og ensartede grunddata giver nye digitale løsninger og færre fejl.",
        (("kampagnen", "åbne data nu"), ("grunddata", "gratis"), ("fejl", "grunddata")),
        (M("Adresse- og kortdata frigives gratis på en fælles distributionsplatform",
           "Adresse- og kortdata kan hentes gratis", "2012-04-01", "2013-01-01"),
         M("Borgere og virksomheder kan indberette fejl i grunddata",
           "Indberetningsløsning med offentlig status for rettelser lanceret",
           "2012-06-01", "2013-03-31"))),
    DemoCommitment(
        "Åbent dashboard for digital selvbetjening", "Open dashboard of digital self-service",
        "Digitaliseringsstyrelsen", ("GC1",), ("access_to_information", "technology_innovation"),
        "Borgere og politikere kan ikke se, hvordan det går med brugen af de digitale løsninger.",
        "Hver måned offentliggøres nøgletal for brugen af de vigtigste selvbetjeningsløsninger, "
        "opdelt på kommuner, som tal alle kan hente.",
        "Åbne nøgletal gør det muligt at sammenligne kommuner og følge fremdriften.",
        (("dashboard", "selvbetjeningsløsninger"), ("fremdriften", "nøgletal"),
         ("letforståelig",)),
        (M("Dashboardet lanceres på digst.dk", "Dashboard med månedlige nøgletal pr. kommune",
           "2012-04-01", "2012-09-01"),
         M("Nøgletallene udgives som åbne data", "Datasæt opdateret hver måned",
           "2012-09-01", "2013-03-31"))),
    DemoCommitment(
        "Alle høringer og høringssvar samlet på én portal",
        "All consultations and responses on one portal",
        "Justitsministeriet", ("GC2",), ("civic_participation", "access_to_information"),
        "Høringer ligger spredt på ministeriernes hjemmesider, og man kan ikke følge, hvad der "
        "kom ud af sit høringssvar.",
        "Statens høringer samles på høringsportalen, hvor man kan abonnere på emner og læse "
        "alle høringssvar og høringsnotatet med myndighedens begrundede svar.",
        "Det bliver lettere at deltage og at se, hvordan input bliver brugt.",
        (("abonnere",), ("høringsnotat", "forklarer")),
        (M("Høringsportalen åbner for alle ministerier",
           "Alle ministeriers høringer offentliggøres på høringsportalen",
           "2012-04-01", "2012-12-31"),
         M("Vejledning om høringsnotater med begrundet svar udsendes",
           "Vejledning offentliggjort", "2012-05-01", "2012-10-01"))),
    DemoCommitment(
        "Åbne standarder i statslige it-udbud", "Open standards in government IT procurement",
        "Digitaliseringsstyrelsen", ("GC3",), ("public_accountability", "technology_innovation"),
        "Myndigheder bliver låst fast hos én leverandør, fordi løsningerne bygger på lukkede "
        "formater.",
        "Statslige it-udbud stiller fremover krav om åbne standarder og dokumenterede "
        "grænseflader.",
        "Konkurrence og gennemsigtighed i indkøb af it.",
        (("fri software",), ("åbne standarder", "udbud"), ("grænseflader",)),
        (M("Krav om åbne standarder indskrives i statens udbudsvejledning",
           "Revideret udbudsvejledning offentliggjort", "2012-04-01", "2012-11-01"),),
        partly=(0,)),
    DemoCommitment(
        "Åbne data om offentlige indkøb og kontrakter", "Open data on public procurement",
        "Økonomistyrelsen", ("GC3",), ("access_to_information", "public_accountability"),
        "Borgere og journalister kan ikke følge, hvor pengene til offentlige indkøb går hen.",
        "Statens indkøbsdata og kontrakter over udbudsgrænsen offentliggøres som åbne data.",
        "Åbenhed om indkøb gør det muligt at holde myndighederne ansvarlige.",
        (("indkøb", "kontrakter"), ("it-projekter", "budget")),
        (M("Statens indkøbsdata for 2011 offentliggøres",
           "Datasæt med statens indkøb 2011", "2012-06-01", "2012-12-01"),)),
    DemoCommitment(
        "Telemedicin og adgang til egne sundhedsdata",
        "Telemedicine and access to one's own health data",
        "Ministeriet for Sundhed og Forebyggelse", ("GC1",),
        ("access_to_information", "technology_innovation"),
        "Patienter med kroniske sygdomme må møde op for at få taget målinger og kan ikke se "
        "deres egne sundhedsdata samlet.",
        "Telemedicin udbredes til patienter med KOL og diabetes, og alle borgere får en samlet "
        "oversigt over deres egne sundhedsdata på sundhed.dk.",
        "Borgerne får indsigt og en aktiv rolle i egen behandling.",
        (("telemedicin", "kroniske"), ("sundhedsdata",)),
        (M("Oversigt over egne sundhedsdata åbner på sundhed.dk",
           "Oversigten er i drift for alle borgere", "2012-04-01", "2013-03-01"),),
        new=False, continues=f"{STRATEGY_SLUG}:2.1"),
    DemoCommitment(
        "Kommunernes budgetter og sagsbehandlingstider som åbne data",
        "Municipal budgets and case processing times as open data",
        "Økonomi- og Indenrigsministeriet", ("GC3",),
        ("access_to_information", "public_accountability"),
        "Kommunernes budgetter, regnskaber og sagsbehandlingstider kan ikke sammenlignes.",
        "Budgetter, regnskaber og sagsbehandlingstider udgives som åbne data i et ensartet "
        "format for alle 98 kommuner.",
        "Borgere og politikere kan sammenligne kommunerne og stille krav.",
        (("budgetter", "regnskaber"), ("sagsbehandlingstider",)),
        (M("Fælles dataformat for kommunale budgetter fastlægges",
           "Dataformat offentliggjort", "2012-04-01", "2012-08-01"),
         M("Alle 98 kommuners budgetter for 2013 udgives som åbne data",
           "Datasæt for 98 kommuner", "2012-08-01", "2013-03-31"))),
    DemoCommitment(
        "Borgerpaneler i udviklingen af digitale løsninger",
        "Citizen panels in developing digital services",
        "Digitaliseringsstyrelsen", ("GC1",), ("civic_participation",),
        "Ældre, unge og borgere med handicap deltager sjældent i høringer om de digitale "
        "løsninger, de skal bruge.",
        "Borgerpaneler og brugertest supplerer høringerne, før nye løsninger gøres "
        "obligatoriske.",
        "Løsningerne bliver bedre, og flere kan bruge dem.",
        (("borgerpaneler",), ("handicap", "test")),
        (M("Fremme brugen af borgerpaneler i kommunerne", "", "2012-04-01", "2013-03-31"),
         M("Tre løsninger brugertestes med ældre og borgere med handicap",
           "Testrapporter offentliggjort", "2012-06-01", "2013-02-01"))),
    DemoCommitment(
        "Fælles dataportal med ret til at efterspørge data",
        "A common data portal with a right to ask for data",
        "Digitaliseringsstyrelsen", ("GC2", "GC3"), ("access_to_information",),
        "Offentlige datasæt er svære at finde, og man ved ikke, hvem man skal spørge.",
        "Myndighederne lægger deres datasæt på en fælles dataportal, og alle kan efterspørge et "
        "datasæt og få svar inden for en fast frist.",
        "Det bliver let at finde og genbruge offentlige data.",
        (("dataportal",), ("efterspørge",), ("aktindsigt",)),
        (M("Dataportalen lanceres med mindst 100 datasæt", "data.gov.dk i drift",
           "2012-04-01", "2012-10-01"),
         M("Kontaktfunktion for efterspørgsel af datasæt åbner",
           "Svar inden for 20 arbejdsdage", "2012-10-01", "2013-03-31"))),
]

COMMENTS = [
    ("DK0001", "problem.1", "Husk også bygnings- og energidata; de er lige så vigtige for "
     "virksomhederne som adresser og kort.", "Foreningen for Åbne Data"),
    ("DK0008", "", "Et mål om at »fremme« borgerpaneler kan ikke måles. Skriv hvor mange "
     "kommuner der skal bruge dem, og hvornår.", "Dansk Handicapforbund"),
    ("DK0003", "", "Det er godt, at høringssvarene bliver offentlige. Høringsfristen bør være "
     "mindst fire uger.", ""),
    ("", "", "En god plan, men der mangler en forpligtelse om whistleblowere.", ""),
]


def _find(consultation: Consultation, words: tuple[str, ...]) -> Idea | None:
    for idea in (Idea.objects.filter(consultation=consultation, merged_into=None)
                 .select_related("representative").order_by("-response_count", "id")):
        text = " ".join([*idea.keywords, idea.label,
                         idea.representative.text if idea.representative else ""]).casefold()
        if all(w.casefold() in text for w in words):
            return idea
    return None


def _agency(name: str):
    return organisation_by_name(name) or organisation_save(
        actor=ACTOR, name=name, kind=OrganisationKind.AUTHORITY_STATE)


def _day(value: str) -> date:
    return date.fromisoformat(value)


def demo_plan() -> ActionPlan | None:
    """Build the demo plan (see the module docstring); None when the demo consultation or its
    analysis is missing."""
    existing = ActionPlan.objects.filter(slug=PLAN_SLUG).first()
    if existing is not None:
        return existing
    consultation = Consultation.objects.filter(slug=CONSULTATION_SLUG).first()
    if consultation is None or not consultation.ideas.exists():
        return None
    services.strategy_import(
        actor=ACTOR, slug=STRATEGY_SLUG, title_da=STRATEGY["title"],
        period_start=date(2011, 1, 1), period_end=date(2015, 12, 31),
        initiatives=[{"identifier": i, "title": t, "text": x}
                     for i, t, x in STRATEGY["initiatives"]])
    plan = services.plan_save(
        actor=ACTOR, slug=PLAN_SLUG,
        title_da="Danmarks handlingsplan for Open Government Partnership 2012–2013",
        title_en="Denmark's Open Government Partnership action plan 2012–2013",
        period_start=date(2012, 4, 1), period_end=date(2013, 3, 31), consultation=consultation)
    for n, spec in enumerate(COMMITMENTS, 1):
        commitment = services.commitment_save(
            actor=ACTOR, plan=plan, identifier=f"DK{n:04d}",
            lead_agency=_agency(spec.lead), ogp_values=list(spec.values),
            grand_challenges=list(spec.challenges),
            existing_strategy=services.strategy_initiative_by_label(spec.continues),
            values={"title_da": spec.title, "title_en": spec.title_en,
                    "problem_da": spec.problem, "description_da": spec.description,
                    "how_it_helps_da": spec.how, "new_initiative": spec.new,
                    "period_start": date(2012, 4, 1), "period_end": date(2013, 3, 31),
                    "contact_name": "OGP-sekretariatet", "contact_email": "ogp@digst.example",
                    "budget": "Inden for eksisterende rammer"})
        for m in spec.milestones:
            services.milestone_save(actor=ACTOR, commitment=commitment, values={
                "title_da": m.title, "deliverable_da": m.deliverable, "start": _day(m.start),
                "end": _day(m.end), "new": True})
        for k, words in enumerate(spec.ideas):
            idea = _find(consultation, words)
            if idea is not None:
                services.commitment_source_link(
                    actor=ACTOR, commitment=commitment, idea=idea,
                    kind=PositionKind.PARTLY_ADOPTED if k in spec.partly else
                    PositionKind.ADOPTED)
    opens = datetime.combine(date(2012, 3, 5), time(9, 0), tzinfo=CPH)
    version = services.plan_publish_for_comment(
        actor=ACTOR, plan=plan, opens_at=opens,
        closes_at=datetime.combine(date(2012, 3, 19), time(0, 0), tzinfo=CPH),
        authority=consultation.authority)
    for n, (identifier, paragraph, text, organisation) in enumerate(COMMENTS):
        services.plan_comment_receive(
            version=version, text=text, channel=Channel.EMAIL,
            respondent=RespondentData(
                kind=RespondentKind.NGO if organisation else RespondentKind.CITIZEN,
                organisation=organisation, email=f"kommentar{n}@demo.example"),
            commitment_identifier=identifier, paragraph=paragraph,
            idempotency_key=f"demo-plan-comment-{n}",
            received_at=opens.replace(day=7 + n))
    from samskab.insights.services import consultation_analyse

    consultation_analyse(consultation=version.comment_consultation)
    return plan
