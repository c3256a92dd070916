"""Small hand-made Danish cases for the analysis tests (self-contained: no shared files)."""

import random

FORM_LETTER = """Kære Digitaliseringsstyrelsen,

Vi skriver som borgere, der ønsker et mere åbent Danmark. Offentlige data om adresser, \
bygninger og virksomheder er betalt af skatteborgerne og bør derfor være frit tilgængelige \
for alle.

Vi foreslår, at alle grunddata frigives gratis senest i 2013, i åbne og maskinlæsbare \
formater, og at de opdateres hver dag.

For det andet foreslår vi, at kommunernes budgetter vises på et fælles dashboard, så enhver \
kan se, hvordan skattekronerne bliver brugt, og at ministrenes kalendere offentliggøres.

Med venlig hilsen"""

# Personal edits people make to a form letter before they send it.
COPIES = [
    FORM_LETTER + "\nAnne Jensen",
    FORM_LETTER.replace("Kære Digitaliseringsstyrelsen,", "Hej,") + "\nPeter Hansen",
    FORM_LETTER.replace("Vi skriver som borgere",
                        "Jeg bor i Odense og har ventet et år på svar fra kommunen. "
                        "Vi skriver som borgere") + "\nMette Larsen",
    FORM_LETTER.replace("frit tilgængelige", "frit tilgængelig").replace("opdateres", "opdatres"),
    FORM_LETTER.replace("æ", "ae").replace("ø", "oe").replace("å", "aa") + "\nLars Nielsen",
    FORM_LETTER.replace("fælles dashboard", "samlet dashboard").replace("bør", "skal"),
    FORM_LETTER + "\n\nSom landmand savner jeg især data om grundvandet på min egen jord, "
                  "og det vil jeg gerne have adgang til.\nSøren Madsen",
    FORM_LETTER.replace("Kære Digitaliseringsstyrelsen,", "Til rette vedkommende"),
    # scanned and OCR'd: å read as d, ø as g
    FORM_LETTER.replace("åbne", "dbne").replace("ønsker", "gnsker") + "\nKaren Olsen",
    FORM_LETTER,
    FORM_LETTER,
]

OTHERS = [
    "Jeg synes, at telemedicin er en god idé for ældre borgere i yderområderne, fordi de "
    "slipper for lange ture til sygehuset. Det vil også spare penge i regionerne.",
    "Korruption skal bekæmpes. Der bør indføres et lobbyregister, så alle kan se, hvem "
    "ministrene mødes med, og whistleblowere i staten skal beskyttes bedre.",
    "Høringsfristerne er alt for korte. Foreningerne kan ikke nå at inddrage deres "
    "medlemmer, når der kun er to uger til at svare. Vi ønsker mindst fire uger.",
    "Kommunerne bør bruge open source og åbne standarder, når de køber nye it-systemer, så "
    "de ikke bliver låst fast hos én leverandør i mange år.",
    "Beredskabet skal varsle borgerne via sms ved oversvømmelser og ekstremt vejr, og "
    "kommunerne skal dele data om klimatilpasning.",
    "Virksomheder, der får offentlige tilskud, bør oplyse om deres ejerforhold og betale "
    "skat i Danmark. Samfundsansvar skal være mere end ord.",
    "We propose that the ministries publish their budgets as open data, so that citizens "
    "and journalists can follow how public money is spent.",
    "Digital selvbetjening er svær for mange. Der skal altid være mulighed for personlig "
    "betjening på borgerservice for dem, der ikke kan bruge en computer.",
]


MADLIBS = [
    ["Kære", "Til"], ["minister", "ministeriet", "regeringen"], ", jeg", ["skriver", "henvender"],
    "for at", ["opfordre", "bede", "anmode"], "jer om at", ["sikre", "garantere", "beskytte"],
    "borgernes ret til", ["aktindsigt", "indsigt", "information"], "i forvaltningen. Den nye lov "
    "er et", ["alvorligt", "stort", "markant"], "tilbageskridt for", ["åbenheden", "pressen"],
    "i Danmark, og den gør det", ["sværere", "vanskeligere"], "for", ["journalister", "borgere",
                                                                    "vælgere"],
    "at", ["kontrollere", "undersøge", "granske"], "magthaverne. Jeg beder derfor",
    ["Folketinget", "politikerne", "regeringen"], "om at", ["fjerne", "droppe", "stryge"],
    "ministerbetjeningsreglen, så", ["dokumenter", "papirer", "notater"], "bliver",
    ["offentlige", "tilgængelige"], "som", ["hovedregel", "udgangspunkt"], ".",
]


def madlibs_text(choice: int) -> str:
    """Copy number ``choice`` of the mad-libs letter: one alternative per slot, drawn from a
    generator seeded with ``choice`` (so copies differ slot by slot, reproducibly)."""
    rng = random.Random(choice)
    out = [rng.choice(part) if isinstance(part, list) else part for part in MADLIBS]
    return " ".join(out).replace(" ,", ",").replace(" .", ".")
