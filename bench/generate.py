"""Deterministic generator of Danish (and some English) OGP consultation responses.

Everything is drawn from seeded generators, so the same ``(n, seed)`` always gives the same
corpus, byte for byte. Background responses are assembled from a large pool of sentences built
from hand-written templates about the 2012 Danish call's topics (open data, grunddata, digital
selvbetjening, telemedicin, gennemsigtighed, borgerinddragelse, korruption, ...). Planted
campaigns, with known truth, are mixed in:

- one large form-letter campaign (12 % of the corpus) whose copies get personal additions,
  typos, swapped words, other greetings, dropped sentences, digraph spellings (ae/oe/aa) and a
  little OCR noise;
- a "mad-libs" campaign (3 %) whose copies pick one of several synonyms slot by slot, as in
  the FCC's 2017 net-neutrality docket;
- an English campaign, medium campaigns of 0.3-1.5 % built from background-like letters, many
  small ones (2-30 copies) and exact copies of single responses.

``truth[i]`` is the campaign number of response ``i`` or -1 when it belongs to none;
``tags[i]`` the tag codes (grand challenges, OGP values) its sentences are about.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field

import numpy as np

INST = [
    "myndighederne", "kommunerne", "regionerne", "staten", "ministerierne",
    "Digitaliseringsstyrelsen", "de offentlige myndigheder", "Folketinget", "KL",
    "Danske Regioner", "Erhvervsstyrelsen", "Geodatastyrelsen", "Finansministeriet",
    "Miljøstyrelsen", "Sundhedsstyrelsen", "Rigsrevisionen", "Justitsministeriet",
    "Beredskabsstyrelsen", "Forbrugerombudsmanden", "Økonomistyrelsen",
]
DATA = [
    "grunddata", "adressedata", "geodata", "miljødata", "budgetdata", "trafikdata",
    "anonymiserede sundhedsdata", "data om offentlige indkøb", "klimadata",
    "data om luftkvalitet", "ejendomsdata", "CVR-data", "data om ventetider",
    "data om skolernes resultater", "kortdata", "vejrdata", "data om tilskud",
    "regnskabsdata", "data om drikkevand", "data om støj",
]
SERVICE = [
    "digital selvbetjening", "borger.dk", "sundhed.dk", "telemedicin",
    "den digitale postkasse", "digital byggesagsbehandling", "NemID",
    "virk.dk", "den fælles medicinkortordning", "digital genoptræning",
    "selvbetjening på jobcentrene", "online tidsbestilling", "e-konsultationer",
]
VALUE = [
    "gennemsigtighed", "åbenhed", "borgerinddragelse", "ansvarlighed", "tillid",
    "retssikkerhed", "demokratiet", "effektivitet", "innovation", "integritet",
]
GROUP = [
    "borgerne", "civilsamfundet", "virksomhederne", "journalister", "forskere",
    "foreningerne", "ældre borgere", "de unge", "patienterne", "iværksættere",
    "de frivillige", "handicaporganisationerne", "lokalsamfundene", "landmændene",
]
FORMAT = [
    "åbne standarder", "maskinlæsbare formater", "åbne API'er", "CSV-filer",
    "åbne licenser", "et fælles dataformat", "linked data",
]
AREA = [
    "sundhedsområdet", "miljøområdet", "beskæftigelsesområdet", "skoleområdet",
    "trafikområdet", "socialområdet", "ældreområdet", "klimaområdet", "byggeområdet",
    "kulturområdet", "forsyningsområdet", "fødevareområdet",
]
TOOL = [
    "dashboards", "en fælles portal", "open source-software", "et offentligt register",
    "en app", "interaktive kort", "en søgbar database", "månedlige rapporter",
    "et åbent datakatalog", "en digital høringsportal",
]
YEAR = ["2013", "2014", "2015", "2016"]

DA_TEMPLATES = [
    "Vi foreslår, at {inst} frigiver {data} gratis og i {format}.",
    "For det første bør {inst} gøre {data} tilgængelige for {group}.",
    "Det er afgørende for {value}, at {group} kan følge med i, hvordan {inst} bruger "
    "skattekronerne.",
    "Desuden bør der etableres {tool} på {area}, så {group} kan se resultaterne.",
    "{Inst} bør bruge open source og {format}, når der købes nye it-systemer.",
    "Telemedicin kan give {group} bedre behandling i eget hjem og spare ressourcer på {area}.",
    "Vi oplever, at {service} ofte er svær at bruge for {group}, og vi foreslår brugertest.",
    "Der bør indføres et lobbyregister, så det bliver synligt, hvem {inst} mødes med.",
    "Korruption og interessekonflikter skal forebygges med åbenhed om gaver, rejser og bijob.",
    "Offentlige indkøb på {area} bør offentliggøres med leverandør, beløb og kontraktvilkår.",
    "Kommunernes budgetter bør vises på {tool}, så alle kan sammenligne udgifterne.",
    "Borgerinddragelse på {area} bør ske tidligt og ikke først, når beslutningen er truffet.",
    "Høringsfristerne er ofte for korte til, at {group} kan nå at svare ordentligt.",
    "Aktindsigt bør være gratis og hurtig, og {inst} bør ikke indskrænke adgangen.",
    "Whistleblowere hos {inst} skal have bedre beskyttelse mod repressalier.",
    "Virksomheder bør rapportere om samfundsansvar, klimaaftryk og skat land for land.",
    "Forbrugerne skal have adgang til data om fødevarekontrol og produktsikkerhed.",
    "Beredskabet bør dele {data} om oversvømmelser og klimatilpasning med {group}.",
    "Kriseberedskabet bør kunne varsle {group} via sms ved ekstremt vejr.",
    "Vi anbefaler, at {service} udvikles sammen med {group} og ikke kun af konsulenter.",
    "Med {data} kan {group} skabe nye tjenester og arbejdspladser inden {year}.",
    "For det andet mangler der et samlet overblik over {data} fra {inst}.",
    "Endvidere bør {inst} offentliggøre ministrenes kalendere og mødereferater.",
    "Det bør være muligt at følge sin egen sag hos {inst} digitalt, ligesom man følger en pakke.",
    "Grunddata af høj kvalitet er fundamentet for en effektiv offentlig sektor.",
    "Vi ønsker, at {inst} måler og offentliggør, hvor lang tid sagsbehandlingen tager.",
    "Derudover bør resultaterne af {service} evalueres åbent hvert år.",
    "Åbne data skal være udgangspunktet, og lukkede data skal begrundes.",
    "{Group} bør have en fast plads i det forum, der følger handlingsplanen.",
    "Vi mener, at {value} styrkes, når {inst} forklarer, hvorfor forslag ikke bliver fulgt.",
    "Partistøtte og private bidrag til politikere bør offentliggøres løbende.",
    "Der bør være en uafhængig instans, der kan klage over {inst} på {area}.",
    "Statens regnskaber bør lægges ud som {format} hvert kvartal.",
    "Afslutningsvis vil vi fremhæve, at {value} kræver både vilje og ressourcer.",
    "Vi foreslår et pilotprojekt med {tool} i tre kommuner i {year}.",
    "Digitaliseringen må ikke efterlade {group}, som har brug for personlig betjening.",
    "Naturressourcer som grundvand og råstoffer bør forvaltes åbent med data for alle.",
    "Virksomheder, der modtager offentlige tilskud, bør oplyse om deres ejerforhold.",
    "Vi støtter, at Danmark deltager i Open Government Partnership.",
    "Handlingsplanen bør indeholde konkrete mål og milepæle, som kan følges af {group}.",
    "Sikkerheden i {service} skal være høj, så {group} kan have tillid til løsningen.",
    "Yderligere bør {inst} stille {data} til rådighed via {format}.",
    "Endelig bør {inst} afrapportere om fremdriften i handlingsplanen hvert halve år.",
    "Vi har gode erfaringer med {tool} på {area} og kan anbefale det.",
    "Det er vigtigt, at {data} opdateres dagligt, så de kan bruges i praksis.",
]
EN_TEMPLATES = [
    "We propose that {inst_en} publish {data_en} free of charge in open formats.",
    "Firstly, the government should make {data_en} available to {group_en}.",
    "Transparency requires that {group_en} can follow how public money is spent.",
    "In addition, dashboards on {area_en} would let {group_en} see the results.",
    "Public procurement contracts should be published with supplier, amount and terms.",
    "A lobby register would show who meets ministers and officials.",
    "Corruption should be prevented through openness about gifts and side jobs.",
    "We recommend that digital services are developed together with {group_en}.",
    "Open source software and open standards should be preferred in public IT projects.",
    "Consultation deadlines are often too short for {group_en} to respond properly.",
    "Whistleblowers need stronger protection against retaliation.",
    "Companies should report on social responsibility and pay their taxes openly.",
    "Furthermore, {inst_en} should report on the progress of the action plan twice a year.",
    "Telemedicine can give {group_en} better care at home.",
    "Finally, {data_en} should be updated daily so that they can be used in practice.",
]
INST_EN = ["the ministries", "the municipalities", "the regions", "public authorities",
           "the Danish Agency for Digitisation", "the state"]
DATA_EN = ["address data", "budget data", "environmental data", "procurement data",
           "geographic data", "traffic data", "health statistics", "company registers"]
GROUP_EN = ["citizens", "civil society", "journalists", "researchers", "businesses",
            "patients", "young people"]
AREA_EN = ["health care", "the environment", "schools", "transport", "social services"]

# Composed sentences: opener + subject + modal + action + ending, for variety beyond templates.
OPENERS = ["", "", "", "Vi foreslår, at ", "Vi mener, at ", "Det er vigtigt, at ",
           "Vi anbefaler, at ", "Efter vores opfattelse er det nødvendigt, at ",
           "Jeg synes, at ", "Vi vil opfordre til, at ", "Det vil være en god idé, hvis ",
           "Vi ser gerne, at ", "Foreningen mener, at ", "Vores klare anbefaling er, at "]
MODALS = ["bør", "skal", "må", "kan med fordel", "burde", "bør i højere grad", "skal fremover"]
ACTIONS = [
    "offentliggøre {data}", "gøre {data} frit tilgængelige", "inddrage {group} i arbejdet",
    "stille krav om {format}", "etablere {tool} for {area}", "sikre {value} på {area}",
    "udvikle {service} sammen med {group}", "måle og offentliggøre ventetider på {area}",
    "åbne deres møder for {group}", "forenkle {service}", "evaluere {service} åbent",
    "dele {data} med {group}", "bruge open source i nye it-projekter",
    "investere i bedre {data}", "lytte mere til {group}", "give {group} adgang til {data}",
    "forklare deres beslutninger om {area}", "styrke indsatsen mod korruption på {area}",
    "offentliggøre kontrakter om {area}", "oprette et lobbyregister",
    "beskytte whistleblowere på {area}", "afholde borgermøder om {area}",
    "publicere budgetter og regnskaber som {format}", "fjerne gebyrer på {data}",
    "samarbejde med {group} om {tool}", "prioritere {value} i alle nye projekter",
    "tilbyde personlig hjælp til dem, der ikke kan bruge {service}",
    "varsle {group} hurtigere ved kriser", "stille {data} til rådighed for forskning",
    "kræve redegørelser om samfundsansvar fra store virksomheder",
]
ENDINGS = ["", "", "", " inden {year}", " på {area}", ", så {group} kan følge med",
           ", fordi det styrker {value}", ", så pengene bruges bedre",
           ", og det skal ske hurtigt", " i hele landet", " uden unødige omkostninger",
           ", hvilket vil gavne {group}", " som led i handlingsplanen",
           ", så vi undgår fejl og spild", " allerede fra næste år"]
SUBJECTS = INST + ["regeringen", "vi som samfund", "alle offentlige institutioner",
                   "de ansvarlige ministerier", "den enkelte kommune"]


def _compose(rng: random.Random) -> tuple[str, tuple[str, ...]]:
    opener = rng.choice(OPENERS)
    subject = rng.choice(SUBJECTS)
    modal = rng.choice(MODALS)
    k = rng.randrange(len(ACTIONS))
    action = _fill(ACTIONS[k], rng)
    ending = _fill(rng.choice(ENDINGS), rng)
    if opener:
        sentence = f"{opener}{subject} {modal} {action}{ending}."
    else:
        sentence = f"{subject[0].upper()}{subject[1:]} {modal} {action}{ending}."
    return sentence, ACTION_CODES[k]


EN_OPENERS = ["", "", "We propose that ", "We believe that ", "It is important that ",
              "We recommend that ", "In our view ", "I think that ", "Our association believes "
              "that ", "It would help a lot if "]
EN_MODALS = ["should", "must", "could", "ought to", "should in future", "need to"]
EN_ACTIONS = [
    "publish {data_en}", "make {data_en} freely available", "involve {group_en} early",
    "require open standards", "build dashboards for {area_en}", "explain their decisions",
    "develop digital services with {group_en}", "open their meetings to {group_en}",
    "share {data_en} with {group_en}", "use open source software", "invest in better {data_en}",
    "listen more to {group_en}", "publish contracts on {area_en}", "set up a lobby register",
    "protect whistleblowers in {area_en}", "hold public hearings on {area_en}",
    "publish budgets as open data", "remove fees on {data_en}", "measure waiting times in "
    "{area_en}", "offer personal help to people who cannot use digital services",
]
EN_ENDINGS = ["", "", " by 2014", " in {area_en}", " so that {group_en} can follow the work",
              " because it builds trust", " so that money is spent better", " across the country",
              " as part of the action plan", " without extra costs", " from next year"]
EN_SUBJECTS = INST_EN + ["the government", "every public body", "the responsible ministries",
                         "each municipality", "Parliament"]


def _compose_en(rng: random.Random) -> tuple[str, tuple[str, ...]]:
    opener = rng.choice(EN_OPENERS)
    subject = rng.choice(EN_SUBJECTS)
    modal = rng.choice(EN_MODALS)
    k = rng.randrange(len(EN_ACTIONS))
    body = f"{subject} {modal} {_fill(EN_ACTIONS[k], rng)}{_fill(rng.choice(EN_ENDINGS), rng)}."
    return (opener + body if opener else body[0].upper() + body[1:]), EN_ACTION_CODES[k]


# Tag truth: the codes each template or action is about, written for the benchmark (aligned
# with the lists above), so tag suggestions can be scored against known answers.
_A, _C = "access_to_information", "civic_participation"
_P, _T = "public_accountability", "technology_innovation"
DA_TEMPLATE_CODES = [
    (_A,), (_A,), ("GC3", _A, _P), (_T, _A), (_T, "GC3"), ("GC1", _T), ("GC1", _C), ("GC2", _A),
    ("GC2", _P), ("GC3", _A), ("GC3", _A, _T), (_C,), (_C,), (_A, "GC2"), ("GC2", _P), ("GC5",),
    ("GC5", _A), ("GC4", _A), ("GC4", _T), ("GC1", _C), (_A, _T), (_A,), (_A, "GC2"),
    ("GC1", _T), (_A, "GC1"), ("GC1", _A, _P), ("GC1", _P), (_A,), (_C,), (_P, _C), ("GC2", _A),
    (_P,), ("GC3", _A), (), (_T,), ("GC1",), ("GC3", _A), ("GC5", "GC3"), (), (_P,), ("GC1",),
    (_A,), (_P,), (_T,), (_A,),
]
ACTION_CODES = [
    (_A,), (_A,), (_C,), (_T,), (_T,), (), ("GC1", _C), ("GC1", _A), (_C, _A), ("GC1",),
    ("GC1", _P), (_A,), (_T,), (_A,), (_C,), (_A,), (_P,), ("GC2",), ("GC3", _A), ("GC2",),
    ("GC2", _P), (_C,), ("GC3", _A), (_A,), (_C, _T), (), ("GC1",), ("GC4",), (_A,), ("GC5",),
]
EN_TEMPLATE_CODES = [
    (_A,), (_A,), ("GC3", _A), (_T,), ("GC3", _A), ("GC2",), ("GC2",), ("GC1", _C), (_T,), (_C,),
    ("GC2", _P), ("GC5",), (_P,), ("GC1",), (_A,),
]
EN_ACTION_CODES = [
    (_A,), (_A,), (_C,), (_T,), (_T,), (_P,), ("GC1", _C), (_C, _A), (_A,), (_T,), (_A,), (_C,),
    ("GC3", _A), ("GC2",), ("GC2", _P), (_C,), ("GC3", _A), (_A,), ("GC1",), ("GC1",),
]
CAMPAIGN_CODES = {
    "form-letter": (_A, "GC3", _T, _C, _P, "GC2"),
    "mad-libs": (_A, "GC2", _P),
    "form-letter-en": (_A, "GC2", _P, _C),
}


DA_GREETINGS = ["Kære Digitaliseringsstyrelsen,", "Til rette vedkommende", "Hej,",
                "Kære minister", "Att.: Digitaliseringsstyrelsen", "Goddag,", "Kære alle"]
DA_SIGNOFFS = ["Med venlig hilsen", "Venlig hilsen", "Mvh.", "De bedste hilsner"]
FIRST = ["Anne", "Peter", "Mette", "Lars", "Sofie", "Jens", "Hanne", "Mads", "Karen",
         "Søren", "Louise", "Henrik", "Camilla", "Niels", "Ida", "Rasmus", "Birthe", "Ole"]
LAST = ["Jensen", "Nielsen", "Hansen", "Pedersen", "Andersen", "Christensen", "Larsen",
        "Sørensen", "Rasmussen", "Jørgensen", "Madsen", "Kristensen", "Olsen", "Thomsen"]
TOWNS = ["Aarhus", "Odense", "Aalborg", "Esbjerg", "Randers", "Kolding", "Horsens",
         "Vejle", "Roskilde", "Herning", "Silkeborg", "Næstved", "Viborg", "Holstebro"]
PERSONAL = [
    "Jeg bor selv i {town} og har oplevet, hvor svært det er at finde oplysningerne.",
    "Som pensionist i {town} bruger jeg selvbetjeningen hver uge, og den driller ofte.",
    "Min datter er sygeplejerske og fortæller, at telemedicin virker godt hos dem.",
    "I vores forening i {town} har vi brugt mange timer på at søge aktindsigt.",
    "Jeg arbejder som udvikler og ville gerne bygge en app på de data.",
    "Det vigtigste for mig er, at min kommune i {town} også bliver omfattet.",
    "Jeg har selv ventet over et år på svar på en klage til kommunen.",
    "Vores lokale avis i {town} har afsløret flere sager om dårlige udbud.",
    "Jeg er landmand og savner adgang til data om grundvandet på min egen jord.",
    "Husk også dem, der ikke har en computer, for eksempel min mor på 87.",
]
CUES = ["Desuden", "Endvidere", "Derudover", "Herudover", "Yderligere", "Samtidig"]
SYNONYMS = {
    "bør": "skal", "skal": "bør", "vigtigt": "afgørende", "afgørende": "vigtigt",
    "borgerne": "befolkningen", "gratis": "uden betaling", "hurtig": "hurtigere",
    "foreslår": "anbefaler", "anbefaler": "foreslår", "mener": "synes", "data": "oplysninger",
    "offentlige": "statslige", "åbenhed": "gennemsigtighed", "gennemsigtighed": "åbenhed",
}

BIG_CAMPAIGN = """Kære Digitaliseringsstyrelsen,

Vi skriver til jer som en del af kampagnen "Åbne data til alle". Danmark har nogle af verdens \
bedste grunddata om adresser, bygninger, ejendomme og virksomheder, men alt for mange af dem \
er stadig låst inde bag betaling og besværlige licenser.

Vi foreslår, at alle grunddata gøres frit tilgængelige for borgere, virksomheder og \
forskere senest i 2013. Data skal udleveres i åbne og maskinlæsbare formater, og de skal \
opdateres løbende, så de kan bruges i nye digitale tjenester.

For det andet foreslår vi, at kommunernes og statens budgetter og regnskaber offentliggøres \
på et fælles dashboard, så alle kan se, hvordan skattekronerne bliver brugt. Gennemsigtighed \
om de offentlige udgifter styrker tilliden til demokratiet og gør det sværere at skjule \
spild og korruption.

Endelig beder vi om, at civilsamfundet får en fast plads i arbejdet med handlingsplanen, og \
at regeringen hvert halve år fortæller, hvor langt man er nået med hvert enkelt tiltag.

Med venlig hilsen"""

EN_CAMPAIGN = """Dear Ministry,

I am writing in support of open government in Denmark. Public authorities should publish \
their data as open data by default, in machine readable formats and under an open licence.

I also ask you to introduce a public lobby register, so that everyone can see who meets \
ministers and senior officials, and to protect whistleblowers in the public sector against \
retaliation. These measures would strengthen accountability and public trust.

Finally, please make sure that citizens and civil society are involved early, before \
decisions are made, and that the consultation deadlines give people enough time to answer.

Kind regards"""

# The mad-libs letter: lists are slots, and each copy picks one alternative per slot.
MADLIBS = [
    ["Kære", "Til", "Hej"], ["minister", "ministeriet", "regeringen"], ",\n\n", "jeg",
    ["skriver", "henvender mig"], "for at", ["opfordre", "bede", "anmode"], "jer om at",
    ["sikre", "garantere", "beskytte"], "borgernes ret til", ["aktindsigt", "indsigt",
                                                               "information"],
    "i den offentlige forvaltning. Den nye offentlighedslov er et", ["alvorligt", "stort",
                                                                   "markant"],
    ["tilbageskridt", "skridt tilbage"], "for", ["åbenheden", "gennemsigtigheden"],
    "i Danmark, og den vil gøre det", ["sværere", "vanskeligere", "umuligt"],
    "for", ["journalister", "medierne", "pressen"], "og", ["borgere", "almindelige mennesker",
                                                            "vælgere"],
    "at", ["kontrollere", "holde øje med", "undersøge"], "magthaverne.",
    ["Jeg", "Vi"], ["opfordrer", "beder"], "derfor", ["Folketinget", "politikerne",
                                                      "regeringen"],
    "til at", ["fjerne", "droppe", "stryge"], "ministerbetjeningsreglen og", ["sikre",
                                                                          "garantere"],
    "at", ["dokumenter", "interne dokumenter", "arbejdsdokumenter"], "bliver",
    ["offentlige", "tilgængelige"], "som", ["hovedregel", "udgangspunkt"],
    ". En", ["åben", "gennemsigtig", "ærlig"], "forvaltning er", ["fundamentet", "grundlaget",
                                                               "forudsætningen"],
    "for", ["tillid", "tilliden"], "til", ["demokratiet", "staten", "det offentlige"],
    ". Open Government Partnership", ["forpligter", "binder"], "Danmark til mere",
    ["åbenhed", "gennemsigtighed"], ", ikke mindre.\n\n", ["Med venlig hilsen", "Venlig hilsen",
                                                          "Mvh."],
]


# Planted ideas: one proposal said in several ways, Danish and English. The "seen" wordings
# are those the engine's lists (``samskab.analysis.concepts``, the proposal and pleasantry cue
# lexicons) were written with; the "held_out" ones were written apart and no word that occurs
# only in them is in those lists (tests/analysis/test_analysis_concepts.py checks it), so the
# idea figures measure generalisation.
IDEAS: list[dict] = [
    {"label": "Offentlige kalendere for ministre", "seen": [
        "Ministrenes kalendere bør offentliggøres, så alle kan se, hvem de mødes med.",
        "Læg ministrenes mødekalendere på nettet.",
        "Der bør være åbenhed om, hvem ministrene mødes med.",
        "en:Ministers should publish their calendars of meetings online.",
    ], "held_out": [
        "Offentlige kalendere for ministre, tak, så vi kan se, hvem de holder møder med.",
        "Ministrene skal offentliggøre deres møder med lobbyister og interesseorganisationer.",
        "Gør ministrenes kalender offentlig hver uge.",
        "en:Make ministers' diaries public so we can see whom they meet.",
    ]},
    {"label": "Whistleblowerordning i staten", "seen": [
        "Der bør indføres en whistleblowerordning i alle ministerier.",
        "Vi foreslår en ordning for whistleblowere i staten.",
        "Ansatte, der slår alarm om fejl, skal beskyttes af en whistleblowerordning.",
        "en:Every ministry should have a whistleblower scheme.",
    ], "held_out": [
        "Indfør en national whistleblowerordning for offentligt ansatte.",
        "Der skal være en ordning, så whistleblowere i kommunerne kan indberette anonymt.",
        "Beskyt whistleblowere med en lovfæstet ordning.",
        "en:Introduce a scheme that protects whistleblowers in the public sector.",
    ]},
    {"label": "Hurtig og gratis aktindsigt", "seen": [
        "Aktindsigt skal være gratis og gives inden for syv dage.",
        "Svar på anmodninger om aktindsigt bør komme hurtigere.",
        "Gør det nemt og gratis at søge aktindsigt digitalt.",
        "en:FOI requests should be answered within seven days and free of charge.",
    ], "held_out": [
        "Der går alt for lang tid, før man får svar på aktindsigt, så sæt en frist på syv dage.",
        "Aktindsigt bør kunne søges online uden gebyr.",
        "Myndighederne skal besvare aktindsigtsanmodninger hurtigere.",
        "en:Access to documents should be free and fast.",
    ]},
    {"label": "Klart sprog i breve fra det offentlige", "seen": [
        "Breve fra kommunen skal skrives i et klart og forståeligt sprog.",
        "Myndighederne bør bruge klart sprog i deres breve til borgerne.",
        "Skriv offentlige breve, så almindelige mennesker kan forstå dem.",
        "en:Letters from public authorities should be written in plain language.",
    ], "held_out": [
        "Brug et enkelt sprog i kommunens breve, mange forstår ikke juristsproget.",
        "Klart sprog i alle breve fra det offentlige.",
        "Vi ønsker forståelige breve fra myndighederne uden fagsprog.",
        "en:Please write official letters in clear language that citizens understand.",
    ]},
    {"label": "Politikernes økonomiske interesser", "seen": [
        "Folketingets medlemmer bør oplyse deres formue og økonomiske interesser.",
        "Politikere skal offentliggøre deres aktier og bestyrelsesposter.",
        "Indfør et register over politikernes økonomiske interesser.",
        "en:Members of parliament should declare their assets and financial interests.",
    ], "held_out": [
        "Der bør være en offentlig oversigt over politikernes formue og interesser.",
        "Alle folketingsmedlemmer skal redegøre for deres aktiebeholdninger.",
        "Politikernes økonomiske interesser skal være synlige for vælgerne.",
        "en:Politicians must disclose their shareholdings and directorships.",
    ]},
    {"label": "Lodtrukket borgerting", "seen": [
        "Regeringen bør nedsætte et borgerting af lodtrukne borgere om klimaet.",
        "Vi foreslår lodtrukne borgerpaneler, der rådgiver Folketinget.",
        "Brug et lodtrukket borgerting til svære beslutninger om klimaet.",
        "en:A citizens' assembly chosen by lot should advise parliament on climate policy.",
    ], "held_out": [
        "Lad et borgerpanel udvalgt ved lodtrækning komme med anbefalinger.",
        "Et borgerting med tilfældigt udtrukne deltagere bør drøfte klimaplanen.",
        "Nedsæt et lodtrukket borgerting.",
        "en:Set up a randomly selected citizens' panel.",
    ]},
    {"label": "Flere ressourcer til Ombudsmanden", "seen": [
        "Ombudsmanden bør have flere ressourcer til at tage sager op af egen drift.",
        "Giv Folketingets Ombudsmand flere midler.",
        "Ombudsmandens undersøgelser af egen drift skal styrkes.",
        "en:The Ombudsman should get more resources for own-initiative investigations.",
    ], "held_out": [
        "Styrk Ombudsmanden, så flere sager kan undersøges af egen drift.",
        "Der skal afsættes flere penge til Folketingets Ombudsmand.",
        "Ombudsmanden mangler ressourcer, og det skal ændres.",
        "en:Give the Parliamentary Ombudsman more funding.",
    ]},
    {"label": "Byrådsmøder transmitteret på nettet", "seen": [
        "Kommunalbestyrelsens møder bør transmitteres direkte på nettet.",
        "Byrådsmøder skal kunne ses live og genses bagefter.",
        "Vi foreslår, at alle byrådsmøder streames.",
        "en:Municipal council meetings should be streamed live online.",
    ], "held_out": [
        "Streaming af kommunalbestyrelsens møder vil gøre det lettere at følge med.",
        "Lad borgerne se byrådets møder live på kommunens hjemmeside.",
        "Alle møder i byrådet skal optages og lægges på nettet.",
        "en:Council meetings should be broadcast so residents can follow them.",
    ]},
]
# Pleasantries, where people put them: (kind, Danish, English); "seen" ones are in the cue
# lexicons, "held_out" ones are not and must be learnt from the consultation (they recur).
PLEASANTRIES = {
    "preamble": {"seen": (
        ["Tak for muligheden for at give input.",
         "Jeg har læst høringsbrevet og vil gerne bidrage.",
         "Vi har med interesse læst udkastet til handlingsplanen."],
        ["Thank you for the opportunity to comment on the draft plan."]),
        "held_out": (
        ["Det er dejligt, at regeringen spørger borgerne til råds om handlingsplanen.",
         "Herunder følger vores bemærkninger til udkastet til handlingsplanen."],
        ["Below are my comments on the draft action plan for open government."])},
    "closing": {"seen": (
        ["Vi står gerne til rådighed for uddybning.",
         "Du er velkommen til at kontakte mig, hvis der er spørgsmål.",
         "God arbejdslyst med den nye handlingsplan."],
        ["Please do not hesitate to contact us."]),
        "held_out": (
        ["Vi håber, at I vil tage vores input med i det videre arbejde.",
         "Vi glæder os til at læse den endelige udgave af planen."],
        ["We wish you every success with the new action plan."])},
    "about": {"seen": (
        ["Som borger i {town} bruger jeg de digitale løsninger hver dag.",
         "Vores forening har drøftet udkastet på et medlemsmøde i {town}.",
         "Jeg er pensionist og har boet i {town} hele mit liv."],
        ["As a citizen I use digital public services every day."]),
        "held_out": (
        ["Undertegnede har i mange år arbejdet med frivilligt socialt arbejde i {town}.",
         "Foreningen blev stiftet i 1987 og har i dag omkring 4.000 medlemmer."],
        ["Our network brings together forty local organisations across the country."])},
}
TYPOGRAPHIC_SHARE = 0.25  # responses written with „ “ ” ’ – — … • € (Word, Outlook, the web)


@dataclass
class Corpus:
    """A generated corpus: the records (dicts in the contracts' JSONL form) and the truth."""

    records: list[dict]
    truth: np.ndarray
    campaigns: list[dict] = field(default_factory=list)
    tags: list[frozenset[str]] = field(default_factory=list)  # true tag codes per response
    # per response: planted idea wordings (start, end, idea number, held out?) and the spans
    # of pleasantries (greetings, sign-offs with names, preambles, closings, about-sender)
    ideas: list[list[tuple[int, int, int, bool]]] = field(default_factory=list)
    pleasantries: list[list[tuple[int, int]]] = field(default_factory=list)

    @property
    def texts(self) -> list[str]:
        return [r["text"] for r in self.records]


def _fill(template: str, rng: random.Random) -> str:
    inst = rng.choice(INST)
    group = rng.choice(GROUP)
    return template.format(
        inst=inst, Inst=inst[0].upper() + inst[1:], data=rng.choice(DATA),
        service=rng.choice(SERVICE), value=rng.choice(VALUE), group=group,
        Group=group[0].upper() + group[1:], format=rng.choice(FORMAT), area=rng.choice(AREA),
        tool=rng.choice(TOOL), year=rng.choice(YEAR), inst_en=rng.choice(INST_EN),
        data_en=rng.choice(DATA_EN), group_en=rng.choice(GROUP_EN), area_en=rng.choice(AREA_EN),
    )


def _pool(templates: list[str], codes: list[tuple[str, ...]], size: int, rng: random.Random,
          composed: float = 0.0, compose=None) -> list[tuple[str, tuple[str, ...]]]:
    """Sentences with the codes they are about."""
    compose = compose or _compose
    out = []
    for _ in range(size):
        if rng.random() < composed:
            out.append(compose(rng))
        else:
            k = rng.randrange(len(templates))
            out.append((_fill(templates[k], rng), codes[k]))
    return out


def _name(rng: random.Random) -> str:
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}"


def _background(rng: random.Random, da_pool: list, en_pool: list
                ) -> tuple[str, str, frozenset[str]]:
    english = rng.random() < 0.08
    pool = en_pool if english else da_pool
    n = rng.randint(6, 17)
    picked = [rng.choice(pool) for _ in range(n)]
    sentences = [p[0] for p in picked]
    codes = frozenset(c for p in picked for c in p[1])
    if not english:
        for i in range(1, n):
            s = sentences[i]
            if rng.random() < 0.12 and not s.startswith(("Vi ", "For det")):
                sentences[i] = f"{rng.choice(CUES)} {s[0].lower()}{s[1:]}"
    style = rng.random()
    if style < 0.2:
        body = "\n".join(f"{i + 1}. {s}" for i, s in enumerate(sentences))
    elif style < 0.3:
        body = "\n".join(f"- {s}" for s in sentences)
    else:
        paragraphs, i = [], 0
        while i < n:
            k = rng.randint(2, 4)
            paragraphs.append(" ".join(sentences[i:i + k]))
            i += k
        body = "\n\n".join(paragraphs)
    parts = []
    if rng.random() < 0.5:
        parts.append("Dear Sir or Madam," if english else rng.choice(DA_GREETINGS))
    parts.append(body)
    if rng.random() < 0.5:
        parts.append(("Kind regards" if english else rng.choice(DA_SIGNOFFS)) + "\n" + _name(rng))
    return "\n\n".join(parts), ("en" if english else "da"), codes


def _wording(text: str) -> tuple[str, str]:
    return ("en", text[3:]) if text.startswith("en:") else ("da", text)


def _planted_background(rng: random.Random, da_pool: list, en_pool: list
                        ) -> tuple[str, str, frozenset[str], list, list]:
    """A background response with idea truth: planted idea wordings as their own paragraphs
    or points, and pleasantries where people put them (greeting, a polite preamble, a word
    about the sender, a closing, the sign-off and name). Returns the text, its language, its
    tag codes, the planted wordings ``(start, end, idea, held_out)`` and the pleasantry spans.
    """
    english = rng.random() < 0.08
    lang = "en" if english else "da"
    pool = en_pool if english else da_pool
    n = rng.randint(6, 17)  # as the plain background responses: the same length
    picked = [rng.choice(pool) for _ in range(n)]
    sentences = [p[0] for p in picked]
    codes = frozenset(c for p in picked for c in p[1])
    planted: list[tuple[str, int, bool]] = []
    if rng.random() < 0.5:
        for k in rng.sample(range(len(IDEAS)), 2 if rng.random() < 0.3 else 1):
            options = [(text, held) for held, key in ((False, "seen"), (True, "held_out"))
                       for w in IDEAS[k][key] for wl, text in (_wording(w),) if wl == lang]
            text, held = rng.choice(options)
            planted.append((text, k, held))

    def pleasantry(kind: str) -> str:
        which = "held_out" if rng.random() < 0.5 else "seen"
        da, en = PLEASANTRIES[kind][which]
        return rng.choice(en if english else da).format(town=rng.choice(TOWNS))

    text = ""
    ideas: list[tuple[int, int, int, bool]] = []
    nice: list[tuple[int, int]] = []

    def emit(part: str, tag=None) -> None:
        nonlocal text
        start = len(text)
        text += part
        if tag == "nice":
            nice.append((start, len(text)))
        elif tag is not None:
            ideas.append((start, len(text), tag[0], tag[1]))

    def sep() -> None:
        if text:
            emit("\n\n")

    if rng.random() < 0.5:
        emit("Dear Sir or Madam," if english else rng.choice(DA_GREETINGS), "nice")
    preamble_inline = False
    if rng.random() < 0.45:
        preamble_inline = rng.random() < 0.2
        if not preamble_inline:
            sep()
            emit(pleasantry("preamble"), "nice")
    about_inline = False
    if rng.random() < 0.15:
        about_inline = rng.random() < 0.4
        if not about_inline:
            sep()
            emit(pleasantry("about"), "nice")
    style = rng.random()
    units: list[tuple[str, object]] = []
    if style < 0.3:
        units = [(x, None) for x in sentences]
        for text_, k, held in planted:
            units.insert(rng.randrange(len(units) + 1), (text_, (k, held)))
        sep()
        numbered = style < 0.2
        for i, (line, tag) in enumerate(units):
            if i:
                emit("\n")
            emit(f"{i + 1}. " if numbered else "- ")
            emit(line, tag)
    else:
        paragraphs, i = [], 0
        while i < n:
            k = rng.randint(2, 4)
            paragraphs.append((" ".join(sentences[i:i + k]), None))
            i += k
        for text_, k, held in planted:
            paragraphs.insert(rng.randrange(len(paragraphs) + 1), (text_, (k, held)))
        for j, (para, tag) in enumerate(paragraphs):
            sep()
            if j == 0 and preamble_inline:
                emit(pleasantry("preamble"), "nice")
                emit(" ")
            if j == 0 and about_inline and tag is None:
                emit(pleasantry("about"), "nice")
                emit(" ")
            emit(para, tag)
    if rng.random() < 0.4:
        sep()
        emit(pleasantry("closing"), "nice")
    if rng.random() < 0.5:
        sep()
        emit(("Kind regards" if english else rng.choice(DA_SIGNOFFS)) + "\n" + _name(rng),
             "nice")
    return text, lang, codes, ideas, nice


_SENTENCE_END = re.compile(r"\.(?= )")
_TYPO_1TO1 = (('"', "„"), ("'", "’"), (" - ", " – "), ("\n- ", "\n• "))


def _typographic(text: str, rng: random.Random) -> str:
    """The text as Word, Outlook or a web form writes it: typographic quotes, dashes, bullets,
    an ellipsis, now and then a euro amount in a postscript. Every replacement is one
    character for one, so offsets into the text hold; the postscript goes at the very end."""
    for plain, fancy in _TYPO_1TO1:
        text = text.replace(plain, fancy)
    text = text.replace("„", "“", text.count("„") // 2)  # open „ … close “, roughly
    ends = [m.start() for m in _SENTENCE_END.finditer(text)]
    if ends and rng.random() < 0.7:
        k = ends[rng.randrange(len(ends))]
        text = text[:k] + "…" + text[k + 1:]
    if rng.random() < 0.3:
        text += rng.choice(("\n\nPS: Det drejer sig om ca. 2 mio. € om året — ikke mere.",
                            "\n\nPS – beløbet er under 500.000 € …"))
    if text.isascii() or all(ord(c) < 256 for c in text):
        text += "\n\n—"
    return text


def _typo(word: str, rng: random.Random) -> str:
    if len(word) < 4:
        return word
    i = rng.randrange(1, len(word) - 1)
    kind = rng.random()
    if kind < 0.4:
        return word[:i] + word[i + 1:]
    if kind < 0.7:
        return word[:i - 1] + word[i] + word[i - 1] + word[i + 1:]
    return word[:i] + rng.choice("aeiorstn") + word[i + 1:]


def _mutate(text: str, rng: random.Random) -> str:
    """A personal copy of a form letter: the edits people make before pressing send."""
    paragraphs = text.split("\n\n")
    if rng.random() < 0.4:
        if len(paragraphs[0]) < 40:
            paragraphs[0] = rng.choice(DA_GREETINGS)
        else:
            paragraphs.insert(0, rng.choice(DA_GREETINGS))
    if rng.random() < 0.1 and len(paragraphs) > 3:
        del paragraphs[rng.randrange(1, len(paragraphs) - 1)]
    if rng.random() < 0.35:
        addition = " ".join(
            rng.choice(PERSONAL).format(town=rng.choice(TOWNS)) for _ in range(rng.randint(1, 3))
        )
        where = rng.randrange(1, len(paragraphs) + 1) if len(paragraphs) > 1 else 1
        paragraphs.insert(where, addition)
    words = "\n\n".join(paragraphs).split(" ")
    for _ in range(rng.choice((0, 0, 1, 1, 2, 3))):
        j = rng.randrange(len(words))
        words[j] = _typo(words[j], rng)
    for _ in range(rng.choice((0, 0, 1, 2))):
        j = rng.randrange(len(words))
        words[j] = SYNONYMS.get(words[j], words[j])
    if rng.random() < 0.05 and len(words) > 3:
        j = rng.randrange(len(words) - 1)
        words[j], words[j + 1] = words[j + 1], words[j]
    out = " ".join(words)
    if rng.random() < 0.05:
        out = out.replace("æ", "ae").replace("ø", "oe").replace("å", "aa")
    elif rng.random() < 0.02:
        # scanned and OCR'd: some å and ø misread
        out = "".join({"å": "d", "ø": "g"}.get(ch, ch) if rng.random() < 0.3 else ch
                      for ch in out)
    out = out.rstrip() + "\n" + _name(rng) if rng.random() < 0.7 else out
    return out


def _madlibs(rng: random.Random) -> str:
    out = []
    for part in MADLIBS:
        out.append(rng.choice(part) if isinstance(part, list) else part)
    text = " ".join(out).replace(" ,", ",").replace(" .", ".").replace("\n ", "\n")
    return text


def generate(n: int, seed: int = 2012) -> Corpus:
    """Return a corpus of ``n`` responses with planted campaigns; same arguments, same corpus."""
    rng = random.Random(seed)
    da_pool = _pool(DA_TEMPLATES, DA_TEMPLATE_CODES, max(2000, min(1_000_000, n)), rng,
                    composed=0.8)
    en_pool = _pool(EN_TEMPLATES, EN_TEMPLATE_CODES, max(1000, min(50_000, n // 10)), rng,
                    composed=0.8, compose=_compose_en)
    texts: list[str] = []
    langs: list[str] = []
    labels: list[int] = []
    tags: list[frozenset[str]] = []
    campaigns: list[dict] = []

    def add_campaign(kind: str, size: int, make, codes=()) -> None:
        cid = len(campaigns)
        campaigns.append({"id": cid, "kind": kind, "size": size})
        shared_codes = frozenset(codes or CAMPAIGN_CODES.get(kind, ()))
        for _ in range(size):
            text, lang = make()
            texts.append(text)
            langs.append(lang)
            labels.append(cid)
            tags.append(shared_codes)

    if n >= 50:
        add_campaign("form-letter", int(n * 0.12),
                     lambda: (_mutate(BIG_CAMPAIGN, rng), "da"))
        add_campaign("mad-libs", int(n * 0.03),
                     lambda: (_mutate(_madlibs(rng), rng) if rng.random() < 0.3
                              else _madlibs(rng), "da"))
        add_campaign("form-letter-en", int(n * 0.01), lambda: (
            EN_CAMPAIGN.replace("Dear Ministry", rng.choice(["Dear Ministry", "Hello",
                                                             "To whom it may concern"]))
            + ("\n" + _name(rng) if rng.random() < 0.6 else ""), "en"))
        for share in (0.015, 0.01, 0.005, 0.003):
            base, lang, codes = _background(rng, da_pool, en_pool)
            add_campaign("medium", max(2, int(n * share)),
                         lambda b=base, la=lang: (_mutate(b, rng), la), codes)
    small_budget = int(n * 0.05)
    while small_budget > 0:
        size = min(small_budget, rng.choice((2, 2, 3, 4, 5, 8, 12, 20, 30)))
        small_budget -= size
        base, lang, codes = _background(rng, da_pool, en_pool)
        exact = rng.random() < 0.4
        add_campaign("exact" if exact else "small", max(2, size),
                     lambda b=base, la=lang, e=exact: (b if e else _mutate(b, rng), la), codes)
    interned: dict[frozenset[str], frozenset[str]] = {}  # a few hundred distinct code sets
    planted: list[list] = [[] for _ in texts]
    nice: list[list] = [[] for _ in texts]
    while len(texts) < n:
        text, lang, codes, ideas, pleasant = _planted_background(rng, da_pool, en_pool)
        texts.append(text)
        langs.append(lang)
        labels.append(-1)
        tags.append(interned.setdefault(codes, codes))
        planted.append(ideas)
        nice.append(pleasant)
    del da_pool, en_pool
    texts, langs, labels, tags = texts[:n], langs[:n], labels[:n], tags[:n]
    typo = random.Random(seed + 1)  # its own stream: the rest of the corpus does not move
    texts = [_typographic(t, typo) if typo.random() < TYPOGRAPHIC_SHARE else t for t in texts]
    order = np.random.default_rng(seed).permutation(len(texts))
    kinds = ["citizen"] * 6 + ["ngo", "business", "authority_municipality", "research"]
    records = [
        {"id": f"r-{i:07d}", "text": texts[j], "language": langs[j],
         "respondent_kind": kinds[(j * 7919) % len(kinds)]}
        for i, j in enumerate(order)
    ]
    truth = np.asarray(labels, dtype=np.int64)[order]
    return Corpus(records=records, truth=truth, campaigns=campaigns,
                  tags=[tags[j] for j in order], ideas=[planted[j] for j in order],
                  pleasantries=[nice[j] for j in order])


def pairwise_scores(predicted: np.ndarray, truth: np.ndarray) -> tuple[float, float]:
    """Pairwise precision and recall of a grouping against the truth, without listing pairs.

    Both arrays give a group label per response, -1 for none. Pairs are counted from the
    contingency table, so a campaign of 100,000 copies costs nothing extra.
    """
    predicted = np.asarray(predicted, dtype=np.int64)
    truth = np.asarray(truth, dtype=np.int64)

    def pairs(counts: np.ndarray) -> int:
        counts = counts.astype(np.int64)
        return int((counts * (counts - 1) // 2).sum())

    pred_pairs = pairs(np.unique(predicted[predicted >= 0], return_counts=True)[1])
    true_pairs = pairs(np.unique(truth[truth >= 0], return_counts=True)[1])
    both = (predicted >= 0) & (truth >= 0)
    key = predicted[both] * (int(truth.max()) + 2) + truth[both]
    tp = pairs(np.unique(key, return_counts=True)[1])
    precision = tp / pred_pairs if pred_pairs else 1.0
    recall = tp / true_pairs if true_pairs else 1.0
    return precision, recall


def labelled_sentences(n: int, seed: int = 7) -> list[tuple[str, frozenset[str]]]:
    """``n`` generated sentences (Danish, 10 % English) with the tag codes they are about:
    data to measure tag suggestions and to simulate staff confirming and rejecting them."""
    rng = random.Random(seed)
    da = _pool(DA_TEMPLATES, DA_TEMPLATE_CODES, n - n // 10, rng, composed=0.8)
    en = _pool(EN_TEMPLATES, EN_TEMPLATE_CODES, n // 10, rng, composed=0.8,
               compose=_compose_en)
    return [(t, frozenset(c)) for t, c in da + en]


def idea_scores(corpus: Corpus, responses) -> dict:
    """Idea quality of an analysis of ``corpus`` (``responses``: the engine's
    ``ResponseAnalysis`` list, in record order).

    - ``pleasantry_share``: the share of proposals that are mostly (by characters) a planted
      pleasantry — greeting, sign-off, preamble, closing, a word about the sender — and hold
      no planted idea wording;
    - ``pleasantry_ideas``: ideas of two or more proposals, most of them such pleasantries;
    - ``precision``/``recall``: pairwise, of the proposals that hold exactly one planted
      wording, their ideas against the planted ideas (``held_out_*``: the same over the
      held-out wordings only).
    """
    by_id = {r["id"]: k for k, r in enumerate(corpus.records)}
    n_props = 0
    nice_props: set[str] = set()
    idea_members: dict[str, list[str]] = {}
    pred: list[int] = []
    true: list[int] = []
    held: list[bool] = []
    plain: set[str] = set()  # proposals holding no planted wording and no pleasantry
    idea_number: dict[str, int] = {}
    for r in responses:
        k = by_id[r.id]
        text = corpus.records[k]["text"]
        spans = corpus.pleasantries[k] if corpus.pleasantries else []
        planted = corpus.ideas[k] if corpus.ideas else []
        for p in r.proposals:
            n_props += 1
            if p.idea:
                idea_members.setdefault(p.idea, []).append(p.id)
            inside = [x for x in planted if x[0] >= p.start and x[1] <= p.end]
            if not inside:
                size = sum(1 for c in text[p.start:p.end] if not c.isspace()) or 1
                covered = sum(1 for a, b in spans for c in text[max(a, p.start):min(b, p.end)]
                              if not c.isspace())
                if covered * 2 >= size:
                    nice_props.add(p.id)
                else:
                    plain.add(p.id)
            elif len(inside) == 1:
                pred.append(idea_number.setdefault(p.idea, len(idea_number)) if p.idea
                            else -1)
                true.append(inside[0][2])
                held.append(inside[0][3])
    nice_ideas = sum(1 for members in idea_members.values() if len(members) >= 2
                     and 2 * sum(1 for m in members if m in nice_props) > len(members))
    planted_ideas = {p for p in idea_number if p}
    in_planted = [m for i in planted_ideas for m in idea_members.get(i, [])]
    mixed = sum(1 for m in in_planted if m in plain)
    largest_background = max((len(ms) for i, ms in idea_members.items()
                              if i not in planted_ideas), default=0)
    pred_a, true_a, held_a = np.array(pred), np.array(true), np.array(held, dtype=bool)
    precision, recall = pairwise_scores(pred_a, true_a)
    hp, hr = pairwise_scores(pred_a[held_a], true_a[held_a])
    return {"proposals": n_props, "pleasantry_proposals": len(nice_props),
            "pleasantry_share": len(nice_props) / max(1, n_props),
            "pleasantry_ideas": nice_ideas, "planted": len(pred), "precision": precision,
            "recall": recall, "held_out_precision": hp, "held_out_recall": hr,
            "mixed_share": mixed / max(1, len(in_planted)),
            "largest_background": largest_background}
