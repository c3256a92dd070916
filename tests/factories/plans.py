"""Action plans, built as a plan editor builds them: every row through `plans.services`
(plan → commitments → milestones → adoption → implementation), so a plan past drafting has
passed OGP's adoption rules like any real one."""

from datetime import date, timedelta

import factory
from django.utils import timezone

from samskab.consultations.services import RespondentData
from samskab.plans import services
from samskab.plans.models import (
    ActionPlan,
    Commitment,
    CommitmentSource,
    Milestone,
    PlanComment,
    PlanStatus,
    PlanVersion,
    Strategy,
    StrategyInitiative,
)

from .base import ACTOR, ServiceFactory
from .core import OrganisationFactory
from .insights import IdeaFactory

_ORDER = [PlanStatus.DRAFTING, PlanStatus.PUBLIC_COMMENT, PlanStatus.ADOPTED,
          PlanStatus.IMPLEMENTATION, PlanStatus.COMPLETED]


def plan_move_to(plan: ActionPlan, status: str, *, actor=ACTOR) -> ActionPlan:
    """Take `plan` forward to `status` the way staff do: put out for comment, adopt (which
    refuses a plan that breaks OGP's rules), then advance. A plan with no commitments gets one
    (an empty plan can be neither commented on nor adopted)."""
    if _ORDER.index(status) <= _ORDER.index(plan.status):
        return plan
    if not plan.commitments.exists():
        CommitmentFactory(plan=plan, actor=actor)
    if status == PlanStatus.PUBLIC_COMMENT:
        services.plan_publish_for_comment(actor=actor, plan=plan,
                                          closes_at=timezone.now() + timedelta(days=14))
    else:
        if plan.status in (PlanStatus.DRAFTING, PlanStatus.PUBLIC_COMMENT):
            services.plan_adopt(actor=actor, plan=plan)
        while plan.status != status:
            services.plan_advance(actor=actor, plan=plan)
    plan.refresh_from_db()
    return plan


class ActionPlanFactory(ServiceFactory):
    """A plan (`plans.services.plan_save`), drafting unless `status=` says otherwise
    (`plan_move_to`). Denmark's first plan ran from April 2012 for twelve months."""

    class Meta:
        model = ActionPlan

    title_da = factory.Sequence(lambda n: f"Handlingsplan {2012 + n} for åben forvaltning")
    slug = ""
    period_start = date(2012, 4, 1)
    period_end = date(2013, 3, 31)
    consultation = None
    status = PlanStatus.DRAFTING

    @classmethod
    def _create(cls, model_class, status, actor=ACTOR, **kwargs):
        plan = services.plan_save(actor=actor, **kwargs)
        return plan_move_to(plan, status, actor=actor)


class CommitmentFactory(ServiceFactory):
    """A commitment on OGP's template (`commitment_save`) that passes the adoption rules: a
    grand challenge, a core OGP value, a lead agency and (`milestones=`) its milestones, given
    as MilestoneFactory keyword dicts or (title, end) pairs; by default one. `plan_status=`
    then takes the plan on to that status (`plan_move_to`): a commitment of an adopted plan
    is made before the adoption, as in life."""

    class Meta:
        model = Commitment

    milestones = ({},)
    plan = factory.SubFactory(ActionPlanFactory)
    identifier = ""
    title_da = "Åbne data om offentlige udgifter"
    problem_da = "Borgerne kan ikke se, hvad det offentlige bruger pengene på."
    description_da = "Alle statslige udgifter offentliggøres som åbne data hver måned."
    contact_email = factory.LazyAttribute(
        lambda o: f"{(o.identifier or 'forpligtelse').lower()}@gov.example")
    lead_agency = factory.SubFactory(OrganisationFactory)
    ogp_values = ("access_to_information",)
    grand_challenges = ("GC1",)

    @classmethod
    def _create(cls, model_class, *, plan, identifier, lead_agency, ogp_values,
                grand_challenges, milestones=(), actor=ACTOR, existing_strategy=None,
                plan_status=None, **values):
        commitment = services.commitment_save(
            actor=actor, plan=plan, values=values, identifier=identifier,
            lead_agency=lead_agency, ogp_values=list(ogp_values),
            grand_challenges=list(grand_challenges), existing_strategy=existing_strategy)
        for milestone in milestones:
            if not isinstance(milestone, dict):
                title_da, end = milestone
                milestone = {"title_da": title_da, "end": end}
            MilestoneFactory(commitment=commitment, actor=actor, **milestone)
        if plan_status:
            plan_move_to(plan, plan_status, actor=actor)
            commitment.refresh_from_db()
        return commitment


class MilestoneFactory(ServiceFactory):
    """A milestone (`milestone_save`) running from the plan's start to `end`."""

    class Meta:
        model = Milestone

    commitment = factory.SubFactory(CommitmentFactory, milestones=())
    title_da = "Udgiftsdata offentliggjort"
    deliverable_da = "Data om alle statslige udgifter på data.gov.example."
    start = factory.LazyAttribute(lambda o: o.commitment.plan.period_start)
    end = factory.LazyAttribute(
        lambda o: o.commitment.plan.period_end or o.start + timedelta(days=180))

    @classmethod
    def _create(cls, model_class, *, commitment, actor=ACTOR, identifier="", **values):
        return services.milestone_save(actor=actor, commitment=commitment, values=values,
                                       identifier=identifier)


class CommitmentSourceFactory(ServiceFactory):
    """The golden link (`commitment_source_link`): an idea by default (`proposal=` or
    `response=` with `idea=None` for the others); linking records the position as adopted."""

    class Meta:
        model = CommitmentSource

    commitment = factory.SubFactory(CommitmentFactory)
    idea = factory.SubFactory(IdeaFactory)
    proposal = None
    response = None

    @classmethod
    def _create(cls, model_class, actor=ACTOR, **kwargs):
        return services.commitment_source_link(actor=actor, **kwargs)


class PlanVersionFactory(ServiceFactory):
    """A frozen version of a plan as it stands (`plan_version_create`)."""

    class Meta:
        model = PlanVersion

    plan = factory.SubFactory(ActionPlanFactory)
    note = "Udkast til forummødet"

    @classmethod
    def _create(cls, model_class, actor=ACTOR, **kwargs):
        return services.plan_version_create(actor=actor, **kwargs)


class StrategyFactory(ServiceFactory):
    """An existing strategy imported with its initiatives (`strategy_import`)."""

    class Meta:
        model = Strategy

    slug = factory.Sequence(lambda n: f"digitaliseringsstrategi-{n}")
    title_da = "Den fællesoffentlige digitaliseringsstrategi 2011–2015"
    title_en = "The joint public digitisation strategy 2011–2015"
    period_start = date(2011, 8, 1)
    period_end = date(2015, 12, 31)
    initiatives = ({"identifier": "1.1", "title": "Gode grunddata til alle"},
                   {"identifier": "2.1", "title": "Telemedicin i hele landet"})

    @classmethod
    def _create(cls, model_class, *, initiatives, actor=ACTOR, **kwargs):
        return services.strategy_import(actor=actor, initiatives=list(initiatives), **kwargs)


class StrategyInitiativeFactory(ServiceFactory):
    """One more initiative of a strategy, imported with the ones it has."""

    class Meta:
        model = StrategyInitiative

    strategy = factory.SubFactory(StrategyFactory, initiatives=())
    identifier = factory.Sequence(lambda n: f"3.{n}")
    title = "Åbne data om offentlige indkøb"
    text = "Alle indkøb over 500.000 kr. offentliggøres."

    @classmethod
    def _create(cls, model_class, *, strategy, actor=ACTOR, **item):
        have = [{"identifier": i.identifier, "title": i.title, "text": i.text}
                for i in strategy.initiatives.all()]
        services.strategy_import(actor=actor, slug=strategy.slug, title_da=strategy.title_da,
                                 title_en=strategy.title_en, period_start=strategy.period_start,
                                 period_end=strategy.period_end, url=strategy.url,
                                 initiatives=[*have, item])
        return strategy.initiatives.get(identifier=item["identifier"])


class PlanCommentFactory(ServiceFactory):
    """A public comment on a draft out for comment (`plan_comment_receive`, the one door in)
    on one commitment."""

    class Meta:
        model = PlanComment

    version = factory.LazyFunction(
        lambda: ActionPlanFactory(status=PlanStatus.PUBLIC_COMMENT).versions.get())
    commitment_identifier = factory.LazyAttribute(
        lambda o: o.version.snapshot["commitments"][0]["id"])
    text = "Forpligtelsen bør også omfatte kommunernes udgifter."
    respondent = factory.LazyFunction(
        lambda: RespondentData(kind="ngo", organisation="Foreningen for Åbenhed",
                               email="post@aabenhed.example"))

    @classmethod
    def _create(cls, model_class, **kwargs):
        receipt = services.plan_comment_receive(**kwargs)
        return model_class.objects.get(response_id=receipt.response_id)


def link_to_commitment(*, idea=None, proposal=None, identifier="DK0001",
                       title="Åbne data om tilskud"):
    """Trace `idea` (or `proposal`) to a commitment of a draft plan, as a plan editor does:
    the golden link, which also records the position as adopted when it is not already."""
    from samskab.core.actions import SystemActor

    actor = SystemActor("test")
    plan = ActionPlan.objects.first() or services.plan_save(
        actor=actor, title_da="Handlingsplan til test", period_start=date(2012, 4, 1),
        period_end=date(2013, 3, 31))
    commitment = plan.commitments.filter(identifier=identifier).first() or services.commitment_save(
        actor=actor, plan=plan, values={"title_da": title}, identifier=identifier)
    return services.commitment_source_link(actor=actor, commitment=commitment, idea=idea,
                                           proposal=proposal)
