"""Implementation tracking: progress, forum meetings, assessments and self-assessments go
through `tracking.services` (staff changes); what the importers and the reminder worker
store (other countries' commitments, similar commitments, reminder markers) is stored as
they store it."""

from datetime import date, timedelta

import factory
from django.utils import timezone

from samskab.consultations.services import IncomingFile
from samskab.core import roles
from samskab.plans.models import MilestoneStatus, PlanStatus
from samskab.tracking import irm, services
from samskab.tracking.models import (
    Assessment,
    ForeignCommitment,
    ForumMeeting,
    ProgressEvidence,
    ProgressUpdate,
    ReminderKind,
    ReminderSent,
    ReportKind,
    SelfAssessment,
    SimilarCommitment,
)

from .base import ACTOR, ServiceFactory
from .core import MembershipFactory, OrganisationFactory, UserFactory
from .plans import ActionPlanFactory, CommitmentFactory, plan_move_to


class ForeignCommitmentFactory(factory.django.DjangoModelFactory):
    """A commitment of another country's plan as the OGP import stores it, its verdict
    computed by `irm.verdict` as the import computes it."""

    class Meta:
        model = ForeignCommitment

    ogp_id = factory.Sequence(lambda n: f"NO0{n:03d}")
    country = "Norway"
    action_plan = "Norway Action Plan 2013-2015"
    number = factory.Sequence(lambda n: str(n + 1))
    title = "Open data on public procurement"
    text = "Publish all public procurement contracts as open data."
    start_date = date(2013, 7, 1)
    end_date = date(2015, 6, 30)
    lead_institution = "Ministry of Local Government and Modernisation"
    ogp_values = factory.LazyFunction(lambda: ["access_to_information"])
    framework = irm.PRE2017
    plan_year = 2013
    codings = factory.LazyFunction(lambda: {"specificity": "high", "potential_impact":
                                            "transformative", "completion": "complete"})
    starred = factory.LazyAttribute(lambda o: _verdict(o).starred)
    promising = factory.LazyAttribute(lambda o: _verdict(o).promising)
    source_name = "ogp-commitments.csv"


def _verdict(o) -> irm.Verdict:
    return irm.verdict(o.framework, {**o.codings, "relevant_values": o.ogp_values},
                       plan_start=o.plan_year)


def _milestone_in_implementation():
    return CommitmentFactory(plan_status=PlanStatus.IMPLEMENTATION).milestones.get()


class ProgressUpdateFactory(ServiceFactory):
    """A dated progress report on a milestone (`progress_record`); `files=[IncomingFile…]`
    attaches evidence. The actor is the reporter (an agency officer of the lead agency for
    the permission to mean something; the factory's system actor by default)."""

    class Meta:
        model = ProgressUpdate

    milestone = factory.LazyFunction(_milestone_in_implementation)
    status = MilestoneStatus.LIMITED
    reported_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=1))
    note = "Godt i gang: de første data er offentliggjort."
    links = ()

    @classmethod
    def _create(cls, model_class, actor=ACTOR, **kwargs):
        return services.progress_record(actor=actor, **kwargs)


class ProgressEvidenceFactory(ServiceFactory):
    """A document attached to a new progress update (evidence only comes with one)."""

    class Meta:
        model = ProgressEvidence

    milestone = factory.LazyFunction(_milestone_in_implementation)
    original_name = "statusrapport.txt"
    data = "Statusrapport: udgiftsdata offentliggjort 1. oktober.".encode()

    @classmethod
    def _create(cls, model_class, *, milestone, original_name, data, actor=ACTOR):
        update = ProgressUpdateFactory(
            milestone=milestone, actor=actor,
            files=[IncomingFile(name=original_name, data=data, mime_type="text/plain")])
        return update.evidence.get()


class ReminderSentFactory(factory.django.DjangoModelFactory):
    """The marker the reminder worker leaves when it has sent a reminder."""

    class Meta:
        model = ReminderSent

    milestone = factory.LazyFunction(_milestone_in_implementation)
    kind = ReminderKind.BEFORE
    due = factory.LazyAttribute(lambda o: o.milestone.end)
    recipients = factory.LazyFunction(lambda: ["dk0001@gov.example"])


class ForumMeetingFactory(ServiceFactory):
    """A meeting of the plan's forum (`forum_meeting_record`)."""

    class Meta:
        model = ForumMeeting

    plan = factory.SubFactory(ActionPlanFactory, status=PlanStatus.IMPLEMENTATION)
    held_on = date(2012, 11, 1)
    government = ("Digitaliseringsstyrelsen",)
    civil_society = ("Transparency International Danmark",)
    minutes = "Status på forpligtelserne gennemgået."
    decisions = ""

    @classmethod
    def _create(cls, model_class, actor=ACTOR, **kwargs):
        return services.forum_meeting_record(actor=actor, **kwargs)


class AssessmentFactory(ServiceFactory):
    """An IRM-style assessment (`assessment_save`) in the era of the plan's start."""

    class Meta:
        model = Assessment

    commitment = factory.SubFactory(CommitmentFactory, plan_status=PlanStatus.IMPLEMENTATION)
    codings = factory.LazyFunction(lambda: {"specificity": "medium", "completion": "limited"})
    framework = None
    assessed_on = date(2013, 6, 1)
    note = ""

    @classmethod
    def _create(cls, model_class, actor=ACTOR, **kwargs):
        return services.assessment_save(actor=actor, **kwargs)


class SelfAssessmentFactory(ServiceFactory):
    """A self-assessment put to public comment (`self_assessment_create`)."""

    class Meta:
        model = SelfAssessment

    plan = factory.SubFactory(ActionPlanFactory, status=PlanStatus.IMPLEMENTATION)
    kind = ReportKind.MID_TERM
    as_of = date(2012, 10, 1)
    closes_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=14))

    @classmethod
    def _create(cls, model_class, actor=ACTOR, **kwargs):
        return services.self_assessment_create(actor=actor, **kwargs)


class SimilarCommitmentFactory(factory.django.DjangoModelFactory):
    """A resemblance as `similar_commitments_refresh` stores it."""

    class Meta:
        model = SimilarCommitment

    commitment = factory.SubFactory(CommitmentFactory, plan_status=PlanStatus.IMPLEMENTATION)
    foreign = factory.SubFactory(ForeignCommitmentFactory)
    rank = 1
    score = 0.41
    shared_words = factory.LazyFunction(lambda: ["data", "udgift"])


def officer_of(agency, username):
    """An agency officer who is a member of `agency`."""
    user = UserFactory(username=username, roles=[roles.AGENCY_OFFICER])
    MembershipFactory(user=user, organisation=agency)
    return user


def plan_2012_world():
    """The 2012 plan in implementation with two commitments led by two agencies, each agency
    with an officer: built, adopted and advanced through the plans services."""
    digst = OrganisationFactory(name="Digitaliseringsstyrelsen")
    erst = OrganisationFactory(name="Erhvervsstyrelsen")
    plan = ActionPlanFactory(slug="dk-2012", title_da="Handlingsplan 2012")
    c1 = CommitmentFactory(plan=plan, identifier="DK0001", lead_agency=digst, milestones=[
        ("Udgiftsdata offentliggjort", date(2012, 9, 30)),
        ("Datakatalog i drift", date(2013, 3, 1))])
    c2 = CommitmentFactory(plan=plan, identifier="DK0002", lead_agency=erst,
                           title_da="Register over reelle ejere",
                           problem_da="Ingen kan se, hvem der reelt ejer et selskab.",
                           description_da="Et offentligt register over selskabers reelle ejere.",
                           milestones=[("Lovforslag fremsat", date(2012, 12, 31))])
    plan = plan_move_to(plan, PlanStatus.IMPLEMENTATION)
    return {"plan": plan, "c1": c1, "c2": c2, "digst": digst, "erst": erst,
            "officer_digst": officer_of(digst, "anne"), "officer_erst": officer_of(erst, "bo")}
