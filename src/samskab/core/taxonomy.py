"""OGP's fixed taxonomy as data (../shared/ogp-reference.md): five grand challenges, four values.

Used by the data migration that installs them and by anything that needs the codes without a
database (e.g. the analysis engine's tag codes must match `OGP_VALUES` codes).
"""

GRAND_CHALLENGES = [
    ("GC1", "Forbedring af offentlige løsninger og ydelser", "Improving public services",
     "Bedre offentlig service til borgere og virksomheder, fx sundhed, uddannelse, digital "
     "selvbetjening.",
     "Better public services for citizens and businesses, e.g. health, education, digital "
     "self-service."),
    ("GC2", "Øge offentlig integritet", "Increasing public integrity",
     "Bekæmpelse af korruption, etik i forvaltningen, aktindsigt og mediefrihed.",
     "Anti-corruption, public ethics, access to information and media freedom."),
    ("GC3", "Mere effektiv organisering af offentlige løsninger og ydelser",
     "More effectively managing public resources",
     "Budgetter, indkøb, naturressourcer og fælles offentlige data og infrastruktur.",
     "Budgets, procurement, natural resources and shared public data and infrastructure."),
    ("GC4", "Skabe tryggere samfund", "Creating safer communities",
     "Kriseberedskab, miljøtrusler og offentlig sikkerhed.",
     "Crisis response, environmental threats and public safety."),
    ("GC5", "Øge virksomhedsansvarlighed", "Increasing corporate accountability",
     "Virksomheders samfundsansvar (CSR), miljø, forbrugerbeskyttelse.",
     "Corporate social responsibility, environment, consumer protection."),
]

OGP_VALUES = [
    ("access_to_information", "Gennemsigtighed og adgang til information",
     "Transparency and access to information",
     "Mere eller bedre offentlig information, bedre adgang til den, åbne data.",
     "More or better government-held information, better access to it, open data."),
    ("civic_participation", "Borgerdeltagelse", "Civic participation",
     "Flere eller bedre muligheder for at påvirke beslutninger; et stærkt civilsamfund.",
     "More or better opportunities for the public to influence decisions; an enabling "
     "environment for civil society."),
    ("public_accountability", "Ansvarlighed og antikorruption",
     "Public accountability and anti-corruption",
     "Regler og mekanismer, der gør offentligt ansatte ansvarlige for deres handlinger.",
     "Rules and mechanisms that make officials publicly answerable for their actions."),
    ("technology_innovation", "Teknologi og innovation", "Technology and innovation",
     "Teknologi, der fremmer en af de tre andre værdier.",
     "Technology used to advance one of the other three values."),
]


def install(grand_challenge_model, ogp_value_model, group_model) -> None:
    """Create or refresh the taxonomy rows and the staff role groups. Idempotent; takes the
    model classes so the data migration can pass its historical models."""
    from samskab.core import roles

    for position, (code, da, en, desc_da, desc_en) in enumerate(GRAND_CHALLENGES):
        grand_challenge_model.objects.update_or_create(
            code=code,
            defaults={"title_da": da, "title_en": en, "description_da": desc_da,
                      "description_en": desc_en, "position": position},
        )
    for position, (code, da, en, desc_da, desc_en) in enumerate(OGP_VALUES):
        ogp_value_model.objects.update_or_create(
            code=code,
            defaults={"title_da": da, "title_en": en, "description_da": desc_da,
                      "description_en": desc_en, "position": position},
        )
    for role in roles.STAFF_ROLES:
        group_model.objects.get_or_create(name=role)


def ensure() -> None:
    """The reference data with the current models (after a flush, in a fresh database)."""
    from django.contrib.auth.models import Group

    from samskab.core.models import GrandChallenge, OgpValue

    install(GrandChallenge, OgpValue, Group)
