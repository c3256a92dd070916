"""The demo's analysis: run the engine over the demo consultation and record a few positions
on its largest ideas, so the staff pages and "Det sagde I – det gør vi" have content.

Idempotent: a rerun of the analysis keeps what was decided, and an idea that already has a
position is left alone.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from samskab.consultations.models import Consultation
from samskab.insights import services
from samskab.insights.models import AnalysisRun, Idea, Position, PositionKind

DEMO_SLUG = "ogp-2012"

# (words the idea's typical proposal must all hold, name, kind, justification, reference)
DEMO_POSITIONS = [
    (("kampagnen", "åbne data nu"), "Åbne data nu: offentlige data skal være frit tilgængelige",
     PositionKind.ADOPTED,
     "Mange høringssvar, heraf en stor kampagne, beder om, at data, som det offentlige "
     "allerede har betalt for, stilles frit til rådighed. Det er vi enige i. Handlingsplanen "
     "forpligter staten til at udgive grunddata om adresser, kort, bygninger og virksomheder "
     "gratis og i åbne formater, så alle kan bruge dem.",
     "Forpligtelse 1: Grunddata gøres frit tilgængelige"),
    (("fri software", "foreslår"), "Fri software og åbne standarder i det offentlige",
     PositionKind.PARTLY_ADOPTED,
     "Vi tager den del af forslaget med, der handler om åbne standarder: statslige it-udbud "
     "skal fremover stille krav om åbne standarder, så myndighederne ikke låses fast hos én "
     "leverandør. Et generelt krav om at udgive al offentligt betalt software som fri "
     "software kræver en nærmere analyse af ophavsret og vedligehold og indgår ikke i denne "
     "plan.",
     "Forpligtelse 4: Åbne standarder i statslige it-udbud"),
    (("dashboard", "selvbetjening"), "Et offentligt dashboard over brugen af digitale løsninger",
     PositionKind.ADOPTED,
     "Forslaget giver borgere og politikere et enkelt overblik over, hvordan det går med "
     "digitaliseringen. Vi offentliggør hver måned tal for brugen af de vigtigste digitale "
     "selvbetjeningsløsninger, opdelt på kommuner.",
     "Forpligtelse 2: Åbent dashboard for digital selvbetjening"),
    (("høringsfrister", "fire uger"), "Høringsfrister på mindst fire uger",
     PositionKind.ALREADY_COVERED,
     "Vi er enige i, at korte frister gør det svært at svare grundigt. Reglerne for statslige "
     "høringer anbefaler allerede en frist på mindst fire uger; vi vil minde ministerierne "
     "om det, men det kræver ikke en ny forpligtelse i handlingsplanen.",
     "Vejledning om høring over lovforslag og andre retsforskrifter"),
    (("kalendere", "ministres"), "Ministres kalendere bør være offentlige",
     PositionKind.OUT_OF_SCOPE,
     "Hvordan ministre og deres embedsmænd oplyser om deres møder, hører under regeringens "
     "regler for ministre og ligger uden for denne handlingsplan, som handler om den "
     "offentlige forvaltning. Vi har sendt forslaget videre til Statsministeriet.",
     ""),
    (("whistleblowere", "beskytte"), "Beskyttelse af whistleblowere i den offentlige sektor",
     PositionKind.NOT_ADOPTED,
     "En ordning for whistleblowere kræver ny lovgivning, som et lovforberedende udvalg skal "
     "se på først. Handlingsplanen kan ikke foregribe det arbejde, og forslaget er derfor ikke "
     "taget med nu.",
     ""),
]


@dataclass
class DemoAnalysis:
    run: AnalysisRun
    positions_created: int


def _find(consultation: Consultation, words: tuple[str, ...]) -> Idea | None:
    """The largest idea whose typical proposal (or keywords) holds all ``words``."""
    for idea in (Idea.objects.filter(consultation=consultation, merged_into=None)
                 .select_related("representative").order_by("-response_count", "id")):
        text = " ".join([*idea.keywords, idea.representative.text if idea.representative
                         else ""]).casefold()
        if all(w in text for w in words):
            return idea
    return None


def demo_analyse() -> DemoAnalysis | None:
    """Analyse the demo consultation and add the demo positions (see the module docstring)."""
    consultation = Consultation.objects.filter(slug=DEMO_SLUG).first()
    if consultation is None:
        return None
    run = services.consultation_analyse(consultation=consultation)
    actor = get_user_model().objects.filter(username="demo").first() or "demo"
    created = 0
    with transaction.atomic():
        for words, label, kind, justification, reference in DEMO_POSITIONS:
            idea = _find(consultation, words)
            if idea is None or Position.objects.filter(idea=idea).exists():
                continue
            if idea.label_by_id is None:
                services.idea_rename(idea=idea, label=label, actor=actor)
            services.position_set(
                idea=idea, actor=actor, kind=kind, justification_da=justification,
                existing_strategy=reference if kind == PositionKind.ALREADY_COVERED else "")
            created += 1
    return DemoAnalysis(run=run, positions_created=created)
