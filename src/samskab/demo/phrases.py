"""Building blocks for the demo's synthetic responses, written for this project.

Each proposal is a short paragraph in the voice of a respondent, keyed by theme. The generator
combines them with openings and closings that fit the kind of respondent.
"""

PROPOSALS_DA = {
    "digital-selvbetjening": [
        "Vi foreslår, at alle borgere får adgang til deres egne sundhedsdata i én samlet "
        "oversigt, så de kan se, hvem der har slået op i deres journal og hvorfor.",
        "Telemedicin bør tilbydes som standard til patienter med kroniske sygdomme som KOL og "
        "diabetes, så målinger kan sendes hjemmefra og lægen kan følge med løbende.",
        "Selvbetjeningsløsningerne skal kunne bruges af alle. Vi foreslår, at ældre og borgere "
        "med handicap inddrages i test af nye løsninger, før de gøres obligatoriske.",
        "Det bør være muligt at følge sin egen sag hos kommunen digitalt, med status, "
        "sagsbehandler og forventet svartid, ligesom man kan følge en pakke.",
        "Digital Post skal suppleres med en let forståelig forklaring af afgørelser. Mange "
        "breve fra det offentlige er skrevet i et sprog, som borgerne ikke forstår.",
        "Vi anbefaler, at borgere kan give samtykke til deling af egne data mellem myndigheder "
        "ét sted, og at de altid kan se og trække samtykket tilbage.",
        "Der bør laves en fælles indgang for genoptræning, hvor patienten selv kan booke tider "
        "og se sin træningsplan på mobilen.",
    ],
    "dashboards": [
        "Vi foreslår et offentligt dashboard, der hver måned viser, hvor mange borgere der "
        "bruger de digitale selvbetjeningsløsninger, opdelt på kommuner og løsninger.",
        "Fremdriften i digitaliseringsstrategien bør rapporteres åbent med nøgletal, som alle "
        "kan hente og genbruge, ikke kun i årsrapporter som PDF.",
        "Kommunernes sagsbehandlingstider bør offentliggøres løbende, så borgere og politikere "
        "kan sammenligne og stille krav.",
        "Et dashboard over offentlige it-projekter med budget, forbrug og forsinkelser vil give "
        "bedre styring og større tillid til, at pengene bruges fornuftigt.",
        "Rapporteringen skal være letforståelig: få, faste nøgletal med forklaring, frem for "
        "lange tabeller, som kun eksperter kan læse.",
    ],
    "grunddata": [
        "Grunddata om adresser, bygninger og ejendomme bør samles, kvalitetssikres og stilles "
        "gratis til rådighed, så de samme oplysninger ikke skal indtastes flere gange.",
        "Vi foreslår, at fejl i grunddata kan indberettes af borgere og virksomheder direkte, "
        "med en offentlig status for, hvornår fejlen er rettet.",
        "CVR-registret og matrikeldata bør kobles bedre, så virksomheder kun skal oplyse "
        "ændringer ét sted.",
        "Myndighederne bør forpligtes til at genbruge de fælles grunddata i stedet for at "
        "vedligeholde egne kopier, som hurtigt bliver forældede.",
        "Kvaliteten af kortdata skal måles og offentliggøres, så brugerne ved, hvor præcise "
        "oplysningerne er.",
    ],
    "aabne-data": [
        "Offentlige data bør som udgangspunkt være åbne og stilles gratis til rådighed under "
        "en fri licens, i maskinlæsbare formater og med dokumentation.",
        "Vi foreslår en fælles dataportal, hvor alle myndigheder lægger deres datasæt, med "
        "faste krav til opdatering og kontaktperson.",
        "Data om offentlige indkøb og kontrakter bør offentliggøres, så borgere og journalister "
        "kan følge, hvor pengene går hen.",
        "Kommunernes budgetter og regnskaber bør udgives som åbne data i et ensartet format, så "
        "de kan sammenlignes på tværs.",
        "Aktindsigt bør kunne søges digitalt, og dokumenter, der allerede er udleveret, bør "
        "lægges offentligt frem, så andre kan finde dem.",
        "Miljø- og trafikdata bør udgives i realtid via åbne API'er, så virksomheder kan "
        "udvikle nye tjenester til borgerne.",
        "Vi foreslår, at der oprettes en kontaktfunktion, hvor man kan efterspørge et datasæt "
        "og få svar inden for en fast frist.",
    ],
    "open-source": [
        "Det offentlige bør vælge open source, når det er muligt, og dele kildekoden til de "
        "løsninger, der er betalt af skatteborgerne.",
        "Vi foreslår krav om åbne standarder i offentlige udbud, så man undgår at blive låst "
        "fast hos én leverandør.",
        "Der bør etableres et fælles offentligt katalog over genbrugelig software, så kommuner "
        "kan dele løsninger i stedet for at købe det samme mange gange.",
        "Offentlig-privat samarbejde om digitale løsninger skal ske på åbne vilkår, så mindre "
        "virksomheder også kan byde ind.",
        "Åbne infrastrukturer som NemID og Digital Post bør have åbne og dokumenterede "
        "grænseflader, som alle leverandører kan bygge på.",
    ],
    "inddragelse": [
        "Alle offentlige høringer bør samles på én portal, hvor man kan abonnere på emner og se "
        "alle indkomne høringssvar.",
        "Vi foreslår, at myndighederne altid offentliggør et høringsnotat, der forklarer, "
        "hvilke forslag der er taget med, og hvorfor andre er afvist.",
        "Civilsamfundet bør have en fast plads i et forum, der følger handlingsplanen og mødes "
        "mindst to gange om året.",
        "Borgerpaneler og digitale debatter kan supplere de klassiske høringer, især for unge, "
        "som sjældent skriver høringssvar.",
        "Høringsfristerne er ofte for korte. Fire uger bør være et minimum, også i sommerferien.",
    ],
    "integritet": [
        "Ministres og topembedsmænds kalendere bør offentliggøres, så det er synligt, hvem de "
        "mødes med.",
        "Vi foreslår et offentligt register over lobbyisters møder med ministerierne.",
        "Der bør indføres en ordning, der beskytter whistleblowere i den offentlige sektor.",
        "Offentlige myndigheders gaver og rejser bør registreres og offentliggøres åbent.",
    ],
}

PROPOSALS_EN = {
    "aabne-data": [
        "We propose that all public datasets be released under an open licence, free of charge "
        "and in machine-readable formats, with clear documentation.",
        "Procurement data, including contracts and invoices above a threshold, should be "
        "published as open data so that spending can be followed.",
    ],
    "open-source": [
        "Software paid for by the public should be published as open source, and procurement "
        "should require open standards to avoid vendor lock-in.",
    ],
    "dashboards": [
        "A public dashboard showing the uptake of digital services per municipality would make "
        "progress visible and comparable.",
    ],
    "inddragelse": [
        "The government should publish a reasoned response explaining which proposals from "
        "this consultation were adopted and why others were not.",
        "A permanent multi-stakeholder forum with civil society should oversee the action plan.",
    ],
    "digital-selvbetjening": [
        "Patients should be able to see who has accessed their health records, and telemedicine "
        "should be offered to people with chronic conditions.",
    ],
}

OPENINGS_DA = {
    "citizen": ["Hej.", "Kære Digitaliseringsstyrelse", "Til rette vedkommende", "Hej med jer",
                "Goddag", ""],
    "org": ["Kære Digitaliseringsstyrelse", "Til Digitaliseringsstyrelsen",
            "Digitaliseringsstyrelsen", "Att.: OGP-sekretariatet"],
}

INTROS_DA = {
    "citizen": [
        "Jeg vil gerne komme med et par idéer til handlingsplanen.",
        "Tak for muligheden for at give input. Jeg har nogle forslag.",
        "Som almindelig borger bruger jeg de offentlige digitale løsninger hver uge, og jeg "
        "har nogle erfaringer, jeg gerne vil dele.",
        "Jeg har læst høringsbrevet og vil gerne bidrage.",
    ],
    "business": [
        "{org} takker for muligheden for at afgive høringssvar. Som virksomhed, der udvikler "
        "digitale løsninger, har vi følgende forslag.",
        "{org} ser OGP som en god anledning til at styrke samarbejdet mellem det offentlige og "
        "erhvervslivet.",
    ],
    "ngo": [
        "{org} hilser Danmarks deltagelse i Open Government Partnership velkommen og har "
        "følgende bemærkninger og forslag.",
        "{org} har med interesse læst høringsbrevet. Vi vil gerne bidrage med konkrete "
        "forslag, som vi mener kan gøre en forskel.",
    ],
    "authority": [
        "{org} har modtaget høringen og skal hermed komme med følgende input til den danske "
        "OGP-handlingsplan.",
        "{org} takker for invitationen. Vi bidrager gerne til handlingsplanen og kan pege på "
        "følgende områder.",
    ],
    "research": [
        "{org} forsker i digital forvaltning og vil gerne pege på nogle erfaringer fra "
        "forskningen.",
    ],
}

CLOSINGS_DA = {
    "citizen": ["Venlig hilsen", "Med venlig hilsen", "Mvh.", "Hilsen"],
    "org": ["Med venlig hilsen", "Venlig hilsen", "Vi står gerne til rådighed for uddybning.\n\n"
            "Med venlig hilsen"],
}

ORDINALS_DA = ["For det første", "For det andet", "For det tredje", "For det fjerde"]

FIRST_NAMES = ["Anne", "Mette", "Lars", "Jens", "Søren", "Kirsten", "Hanne", "Peter", "Niels",
               "Mads", "Line", "Camilla", "Rasmus", "Jesper", "Birgitte", "Ole", "Sofie",
               "Thomas", "Marianne", "Henrik", "Ida", "Frederik", "Louise", "Jørgen", "Åse",
               "Bjørn", "Signe", "Mikkel", "Maja", "Kasper"]
LAST_NAMES = ["Jensen", "Nielsen", "Hansen", "Pedersen", "Andersen", "Christensen", "Larsen",
              "Sørensen", "Rasmussen", "Jørgensen", "Petersen", "Madsen", "Kristensen",
              "Olsen", "Thomsen", "Poulsen", "Knudsen", "Mortensen", "Møller", "Østergaard",
              "Dalgaard", "Kjær", "Bæk", "Holm", "Lund"]

ORGANISATIONS = {
    "business": ["Nordlys Software ApS", "DataHavn A/S", "Kortværket ApS", "Åben Kode Consult",
                 "Sundhedsportalen Nord ApS", "Danske Datavirksomheder"],
    "ngo": ["Foreningen for Gennemsigtighed", "Borgernes Digitale Råd", "Åben Kode Danmark",
            "Patientforeningernes Samråd", "Netværket for Ældre og IT", "Dansk Forbund for "
            "Tilgængelighed"],
    "authority_state": ["Styrelsen for Data og Kort", "Sundhedsdatastyrelsen",
                        "Arkivstyrelsen", "Styrelsen for Offentlige Indkøb"],
    "authority_region": ["Region Vestkyst", "Region Østersøen"],
    "authority_municipality": ["Ådal Kommune", "Fjordby Kommune", "Kommunernes "
                               "Digitaliseringsforum", "Bakkely Kommune", "Søholm Kommune"],
    "research": ["Institut for Forvaltningsforskning", "Center for Digital Demokrati, "
                 "Nordhavn Universitet"],
}

# Form-letter campaigns: a template, and the ways members personalise their copies.
CAMPAIGN_OPEN_DATA = (
    "Jeg støtter kampagnen »Åbne data nu«. Offentlige data er betalt af os alle og bør derfor "
    "være frit tilgængelige. Jeg opfordrer Digitaliseringsstyrelsen til at skrive ind i "
    "handlingsplanen, at alle grunddata om adresser, kort, virksomheder og ejendomme skal "
    "udgives gratis under en åben licens senest i 2013, og at der oprettes en fælles "
    "dataportal med faste krav til kvalitet og opdatering. Åbne data skaber gennemsigtighed, "
    "nye virksomheder og bedre offentlig service."
)
CAMPAIGN_OPEN_DATA_ADDITIONS = [
    "Selv bruger jeg kortdata i mit arbejde som landinspektør, og priserne er en barriere.",
    "Jeg er studerende og ville gerne bruge data fra kommunen i mit speciale.",
    "Det er især vigtigt, at data om skolerne bliver offentlige.",
    "Husk også at tænke på dem, der ikke er så digitale.",
    "I Storbritannien har man allerede gjort det, og det virker.",
]
CAMPAIGN_OPEN_SOURCE = (
    "Til Digitaliseringsstyrelsen. Som en del af netværket »Fri software i det offentlige« "
    "foreslår jeg, at handlingsplanen forpligter staten, regionerne og kommunerne til at "
    "vælge open source og åbne standarder, når det er muligt, og til at offentliggøre "
    "kildekoden til software, der er udviklet for offentlige midler. Det vil give bedre "
    "konkurrence, lavere priser og mindre afhængighed af enkelte leverandører."
)
CAMPAIGN_OPEN_SOURCE_SWAPS = [
    ("foreslår jeg", "anbefaler jeg"), ("når det er muligt", "hvor det er muligt"),
    ("lavere priser", "lavere omkostninger"), ("bedre konkurrence", "mere konkurrence"),
]
