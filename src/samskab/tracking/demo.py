"""The demo's implementation story: Denmark's 2012 plan half-way through.

After the plans demo has built the plan (in public comment, March 2012), this adopts it and
puts it into implementation, then tells the first half year as the data would show it:

- officers of two agencies (Digitaliseringsstyrelsen and Økonomistyrelsen) report progress on
  their own commitments' milestones, some complete, some behind, some not reported at all
  (late milestones on the dashboard);
- the multi-stakeholder forum met three times;
- the mid-term self-assessment, as of 1 October 2012, is out for public comment through its
  own consultation;
- IRM-style assessments of five commitments with their stars computed by the 2012 rule;
- a sample file in OGP's commitment-data layout (`data/ogp-commitments-demo.csv`, synthetic,
  written for the demo, not OGP's own data) is imported, and each commitment gets its most
  similar commitments abroad.

Idempotent: each step checks whether it was done (the forum log, the self-assessment, the
assessments, the OGP import by id) and a second run changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from samskab.core import roles
from samskab.core.actions import SystemActor
from samskab.core.errors import DomainError
from samskab.core.models import Membership
from samskab.core.services import membership_add
from samskab.plans import services as plan_services
from samskab.plans.models import ActionPlan, Milestone, PlanStatus
from samskab.tracking import services
from samskab.tracking.models import (
    Assessment,
    ForeignCommitment,
    ForumMeeting,
    ProgressUpdate,
    SelfAssessment,
    SimilarCommitment,
)

PLAN_SLUG = "dk-2012-2013"
ACTOR = SystemActor("demo")
CPH = ZoneInfo("Europe/Copenhagen")
OGP_FILE = Path(__file__).parent / "data" / "ogp-commitments-demo.csv"
MID_TERM = date(2012, 10, 1)
# (username, agency): the officers whose updates the demo shows.
OFFICERS = (("digst-officer", "Digitaliseringsstyrelsen"),
            ("oes-officer", "Økonomistyrelsen"))
# What happened to each of an agency's milestones, in order of due date: (status, note) or
# None for "not reported" (a late milestone once its date has passed).
STORY = [
    ("complete", "Leveret til tiden. Se dokumentationen."),
    ("substantial", "Det meste er på plads; de sidste dele følger efter sommerferien."),
    ("limited", "Arbejdet er startet, men forsinket af udbuddet."),
    None,
    ("limited", "Første skridt er taget; planen revideres i forummet."),
    ("complete", "Gennemført."),
]
ASSESSMENTS = {
    # identifier → codings (2012: the original starred rule, moderate impact suffices)
    "DK0001": {"specificity": "high", "relevant_values": ["access_to_information",
                                                           "technology_innovation"],
               "potential_impact": "transformative", "completion": "substantial"},
    "DK0002": {"specificity": "medium", "relevant_values": ["access_to_information",
                                                           "technology_innovation"],
               "potential_impact": "moderate", "completion": "complete"},
    "DK0003": {"specificity": "high", "relevant_values": ["civic_participation"],
               "potential_impact": "moderate", "completion": "limited"},
    "DK0004": {"specificity": "low", "relevant_values": ["technology_innovation"],
               "potential_impact": "minor", "completion": "limited"},
    "DK0005": {"specificity": "high", "relevant_values": ["access_to_information",
                                                           "public_accountability"],
               "potential_impact": "moderate", "completion": "substantial"},
}
MEETINGS = [
    (date(2012, 4, 24), ["Digitaliseringsstyrelsen", "Økonomistyrelsen", "KL"],
     ["Transparency International Danmark", "Foreningen for Åbne Data"],
     "Forummet gennemgik planen og aftalte en fast rapportering hver anden måned.",
     "Agenturerne rapporterer status på deres milepæle senest den 1. i hver anden måned."),
    (date(2012, 6, 19), ["Digitaliseringsstyrelsen", "Justitsministeriet"],
     ["Transparency International Danmark", "Danske Handicaporganisationer"],
     "Status på høringsportalen og grunddata. Civilsamfundet bad om brugertest med borgere "
     "med handicap.", "Borgerpanelet inddrages i test af høringsportalen."),
    (date(2012, 9, 25), ["Digitaliseringsstyrelsen", "Økonomistyrelsen"], [],
     "Intern statusgennemgang før midtvejsevalueringen.", ""),
]


@dataclass(frozen=True)
class TrackingSummary:
    plan: ActionPlan | None
    updates: int
    foreign: int
    similar: int


def _officer(username: str, agency):
    User = get_user_model()
    user, created = User.objects.get_or_create(
        username=username, defaults={"email": f"{username}@demo.example",
                                     "first_name": agency.name})
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
        user.groups.add(Group.objects.get(name=roles.AGENCY_OFFICER))
    if not Membership.objects.filter(user=user, organisation=agency).exists():
        membership_add(actor=ACTOR, organisation=agency, user=user)  # audited, once
    return user


def _implement(plan: ActionPlan) -> bool:
    if plan.status in (PlanStatus.DRAFTING, PlanStatus.PUBLIC_COMMENT):
        try:
            plan_services.plan_adopt(actor=ACTOR, plan=plan,
                                     note="Vedtaget efter den offentlige kommentering")
        except DomainError:
            return False
        plan.refresh_from_db()
    if plan.status == PlanStatus.ADOPTED:
        plan_services.plan_advance(actor=ACTOR, plan=plan)
    return plan.status in (PlanStatus.IMPLEMENTATION, PlanStatus.COMPLETED)


def _progress(plan: ActionPlan) -> int:
    if ProgressUpdate.objects.filter(milestone__commitment__plan=plan).exists():
        return 0
    count = 0
    for username, agency_name in OFFICERS:
        milestones = list(Milestone.objects.filter(
            commitment__plan=plan, commitment__lead_agency__name=agency_name)
            .select_related("commitment__lead_agency").order_by("end", "id"))
        if not milestones:
            continue
        officer = _officer(username, milestones[0].commitment.lead_agency)
        for index, milestone in enumerate(milestones):
            step = STORY[index % len(STORY)]
            if step is None:
                continue
            status, note = step
            reported = min((milestone.end or MID_TERM) - timedelta(days=5), MID_TERM)
            if status != "complete":
                services.progress_record(
                    actor=officer, milestone=milestone, status="limited",
                    reported_on=reported - timedelta(days=45),
                    note="Arbejdet er sat i gang.")
                count += 1
            services.progress_record(
                actor=officer, milestone=milestone, status=status, reported_on=reported,
                note=note, links=[f"https://www.digst.dk/ogp/{milestone.commitment.identifier}"
                                  .lower()])
            count += 1
    return count


def demo_tracking() -> TrackingSummary:
    """Tell the implementation story (module docstring); nothing when the plan is missing."""
    plan = ActionPlan.objects.filter(slug=PLAN_SLUG).first()
    if plan is None or not _implement(plan):
        return TrackingSummary(plan, 0, 0, 0)
    _progress(plan)
    if not ForumMeeting.objects.filter(plan=plan).exists():
        for held_on, government, civil, minutes, decisions in MEETINGS:
            services.forum_meeting_record(actor=ACTOR, plan=plan, held_on=held_on,
                                          government=government, civil_society=civil,
                                          minutes=minutes, decisions=decisions)
    for identifier, codings in ASSESSMENTS.items():
        commitment = plan.commitments.filter(identifier=identifier).first()
        if commitment is not None and not Assessment.objects.filter(
                commitment=commitment).exists():
            services.assessment_save(actor=ACTOR, commitment=commitment, codings=codings,
                                     assessed_on=date(2013, 1, 15),
                                     note="Demovurdering efter IRM's metode fra 2012.")
    if not SelfAssessment.objects.filter(plan=plan, kind="mid_term").exists():
        # Opened now (not in 2012), so the demo shows the comment form working.
        opens = datetime.now(CPH)
        services.self_assessment_create(
            actor=ACTOR, plan=plan, kind="mid_term", as_of=MID_TERM, opens_at=opens,
            closes_at=datetime.combine(opens.date() + timedelta(days=15), time(0),
                                       tzinfo=CPH))
    imported = services.foreign_commitments_import(actor=ACTOR, data=OGP_FILE.read_bytes(),
                                                   source_name=OGP_FILE.name)
    similar = SimilarCommitment.objects.filter(commitment__plan=plan).count()
    if imported.created or imported.updated or not similar:
        # Rebuilt only when its input changed: a second demo run changes no row.
        similar = services.similar_commitments_refresh(plan=plan)
    updates = ProgressUpdate.objects.filter(milestone__commitment__plan=plan).count()
    return TrackingSummary(plan, updates, ForeignCommitment.objects.count(), similar)

