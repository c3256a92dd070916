"""Texts of the demo consultations, in our own words, from the facts of the 2012 call."""

OGP_2012 = {
    "slug": "ogp-2012",
    "title_da": "Danmarks første handlingsplan for Open Government",
    "title_en": "Denmark's first Open Government action plan",
    "authority": "Digitaliseringsstyrelsen, Finansministeriet",
    "summary_da": (
        "Digitaliseringsstyrelsen indsamler idéer til Danmarks første handlingsplan i Open "
        "Government Partnership: konkrete, nye initiativer for åbenhed, borgerdeltagelse, "
        "ansvarlighed og teknologi i den offentlige sektor."
    ),
    "summary_en": (
        "The Danish Agency for Digitisation collects ideas for Denmark's first action plan in "
        "the Open Government Partnership: concrete, new initiatives for openness, participation, "
        "accountability and technology in the public sector."
    ),
    "body_da": (
        "Danmark har tilsluttet sig Open Government Partnership (OGP), et internationalt "
        "samarbejde mellem regeringer og civilsamfund om en mere åben offentlig sektor. Alle "
        "deltagende lande udarbejder på grundlag af en offentlig høring en handlingsplan med "
        "konkrete forpligtelser. Den danske plan skal gælde i 12 måneder fra marts 2012 og "
        "evalueres bagefter, og erfaringerne deles med de andre deltagerlande.\n\n"
        "Planen skal ordnes under mindst én af OGP's fem hovedudfordringer. Danmark har meldt "
        "ud, at fokus er levering af offentlige ydelser, det vil sige udfordring 1 og 3, og "
        "planen kan bygge på dele af den fællesoffentlige digitaliseringsstrategi. For at leve "
        "op til OGP's krav skal den dog også rumme nye initiativer, som ikke allerede står i "
        "eksisterende strategier eller planer.\n\n"
        "Vi vil gerne have idéer fra borgere, virksomheder, organisationer og offentlige "
        "myndigheder på alle niveauer. Initiativerne kan være lokale, regionale eller "
        "nationale, og de kan drives af én myndighed eller i et bredere samarbejde. Nye "
        "teknologier og medier, der gør offentlig information, service og teknologi "
        "tilgængelig og styrker samarbejdet med civilsamfundet, er en central drivkraft.\n\n"
        "Send dit høringssvar senest 29. februar 2012. Høringen blev i 2012 gennemført pr. "
        "e-mail mærket »OGP-høring«; i denne demonstration kan svar også sendes via "
        "formularen. Alle høringssvar her er fiktive."
    ),
    "body_en": (
        "Denmark has joined the Open Government Partnership (OGP), an international partnership "
        "of governments and civil society for a more open public sector. Every participating "
        "country draws up, on the basis of a public consultation, an action plan of concrete "
        "commitments. The Danish plan runs for 12 months from March 2012, is evaluated "
        "afterwards, and its lessons are shared with the other participating countries.\n\n"
        "The plan must address at least one of OGP's five grand challenges. Denmark has said "
        "its focus is the delivery of public services, that is challenges 1 and 3, and the plan "
        "may build on parts of the joint public-sector digitisation strategy. To meet OGP's "
        "requirements it must also contain new initiatives not already part of existing "
        "strategies or plans.\n\n"
        "We invite ideas from citizens, businesses, organisations and public authorities at "
        "every level. Initiatives can be local, regional or national, run by one authority or "
        "in wider partnerships. New technologies and media that make public information, "
        "services and technology accessible and strengthen collaboration with civil society "
        "are a central driving force.\n\n"
        "Send your response by 29 February 2012. In 2012 the consultation was held by e-mail "
        "marked 'OGP-høring'; in this demonstration responses can also be sent through the "
        "form. All responses here are fictitious."
    ),
    "contact_name": "OGP-sekretariatet, Digitaliseringsstyrelsen",
    "contact_email": "ogp@digst.example",
    "intake_email": "ogp-hoering@digst.example",
    "subject_tag": "OGP-høring",
    "reference_prefix": "OGP-2012",
}

# The call's example areas, as themes with the words that signal them (da + en).
THEMES_2012 = [
    ("digital-selvbetjening", "Digital selvbetjening og telemedicin",
     "Digital self-service and telemedicine",
     "Borgere får indsigt og en aktiv rolle i egne sager, fx telemedicin i egen behandling.",
     ["selvbetjening", "telemedicin", "borger.dk", "digital post", "sundhedsjournal",
      "self-service", "telemedicine", "patient"]),
    ("dashboards", "Overblik over digitaliseringen",
     "Dashboards of digitisation progress",
     "Jævnlig og letforståelig rapportering, fx dashboards over brugen af digitale løsninger.",
     ["dashboard", "rapportering", "nøgletal", "fremdrift", "statistik", "reporting",
      "progress"]),
    ("grunddata", "Kvalitet og genbrug af grunddata", "Quality and reuse of basic data",
     "En mere effektiv og sammenhængende offentlig sektor gennem bedre og genbrugte grunddata.",
     ["grunddata", "adresser", "cvr", "matrikel", "kortdata", "register", "basic data",
      "reuse"]),
    ("aabne-data", "Adgang til offentlige data", "Access to public data",
     "Bedre og mere ensartet adgang til offentlige data til kommercielle og ikke-kommercielle "
     "formål.",
     ["åbne data", "open data", "datasæt", "api", "licens", "aktindsigt", "videreanvendelse",
      "datasets"]),
    ("open-source", "Åbne teknologier og offentlig-privat samarbejde",
     "Open technologies and public-private collaboration",
     "Nye former for samarbejde om digitale løsninger med open source, åbne standarder og åbne "
     "infrastrukturer.",
     ["open source", "åbne standarder", "åben kildekode", "fri software", "leverandør",
      "open standards", "interoperabilitet"]),
    ("inddragelse", "Borgerinddragelse og høringer", "Citizen participation and consultations",
     "Bedre muligheder for at følge og påvirke offentlige beslutninger.",
     ["inddragelse", "høring", "borgerpanel", "dialog", "participation", "deltagelse"]),
]

STEPS_2012 = [
    ("call_published", "2012-02-03", "Høringen offentliggøres", "Consultation published",
     "Høringsbrev og tidsplan lægges ud, og høringslisten inviteres.",
     "The call and timeline are published and the invited parties are notified."),
    ("deadline", "2012-02-29", "Høringsfrist", "Deadline", "", ""),
    ("notat", "2012-03-14", "Høringsnotat offentliggøres", "Consultation report published",
     "Et sammendrag af svarene og styrelsens bemærkninger.",
     "A summary of the responses and the agency's comments."),
    ("draft_plan", "2012-03-21", "Udkast til handlingsplan", "Draft action plan", "", ""),
    ("adoption", "2012-04-17", "Handlingsplanen præsenteres i OGP",
     "Action plan presented to OGP", "", ""),
]

# The consulting authority as an organisation (its e-mail domain recognises its staff's mail).
AUTHORITY = "Digitaliseringsstyrelsen"
AUTHORITY_SHORT = "Digst"
AUTHORITY_DOMAIN = "digst.example"

INVITED_2012 = [
    ("Ådal Kommune", "authority_municipality", "aadal.example"),
    ("Borgernes Digitale Råd", "ngo", "borgerraad.example"),
    ("Danske Datavirksomheder", "business", "datavirk.example"),
    ("Fjordby Kommune", "authority_municipality", "fjordby.example"),
    ("Foreningen for Gennemsigtighed", "ngo", "gennemsigtighed.example"),
    ("Institut for Forvaltningsforskning", "research", "iff.example"),
    ("Kommunernes Digitaliseringsforum", "authority_municipality", "kdf.example"),
    ("Region Vestkyst", "authority_region", "regionvestkyst.example"),
    ("Styrelsen for Data og Kort", "authority_state", "sdk.example"),
    ("Sundhedsdatastyrelsen", "authority_state", "sds.example"),
    ("Åben Kode Danmark", "ngo", "aabenkode.example"),
    ("Patientforeningernes Samråd", "ngo", "patientsamraad.example"),
]

NEXT_PLAN = {
    "slug": "aaben-forvaltning-2027",
    "title_da": "Idéer til den næste handlingsplan for åben forvaltning",
    "title_en": "Ideas for the next open government action plan",
    "authority": "Digitaliseringsstyrelsen",
    "summary_da": (
        "Hvad skal Danmarks næste OGP-handlingsplan indeholde? Giv dit bud på forpligtelser om "
        "åbenhed, inddragelse og ansvarlighed."
    ),
    "summary_en": (
        "What should Denmark's next OGP action plan contain? Suggest commitments on openness, "
        "participation and accountability."
    ),
    "body_da": (
        "Denne høring er åben nu, så formularen kan afprøves. Skriv dine idéer, gerne så "
        "konkret som muligt: hvilket problem vil du løse, hvem skal gøre hvad, og hvordan ved "
        "vi, at det er lykkedes?"
    ),
    "body_en": (
        "This consultation is open now so that the form can be tried. Write your ideas as "
        "concretely as you can: which problem would you solve, who should do what, and how "
        "will we know it worked?"
    ),
    "contact_name": "OGP-sekretariatet",
    "contact_email": "ogp@digst.example",
    "intake_email": "aaben-forvaltning@digst.example",
    "subject_tag": "OGP-idé",
    "reference_prefix": "OGP-2027",
}

UPCOMING = {
    "slug": "midtvejsevaluering",
    "title_da": "Midtvejsevaluering af handlingsplanen",
    "title_en": "Mid-term self-assessment of the action plan",
    "authority": "Digitaliseringsstyrelsen",
    "summary_da": "Kommentér regeringens egen vurdering af, hvor langt forpligtelserne er nået.",
    "summary_en": "Comment on the government's own assessment of the commitments' progress.",
    "body_da": "Selvevalueringen lægges i offentlig høring i to uger, før den sendes til IRM.",
    "body_en": "The self-assessment is open for public comment for two weeks before the IRM.",
    "contact_name": "OGP-sekretariatet",
    "contact_email": "ogp@digst.example",
    "intake_email": "",
    "subject_tag": "OGP-evaluering",
    "reference_prefix": "OGP-EVAL",
}
