"""What the analysis engine finds, stored as the engine's runs store it (engine output is
replaced by the next run and is no staff change), and the authority's positions, which are
staff decisions and go through `insights.services.position_set`."""

from datetime import timedelta

import factory
from django.utils import timezone

from samskab.core import roles
from samskab.insights import services
from samskab.insights.models import (
    AnalysedResponse,
    AnalysisRun,
    GroupMembership,
    Idea,
    Position,
    PositionKind,
    Proposal,
    ResponseGroup,
    RunKind,
    SetAsideReason,
    SetAsideSegment,
    TagSuggestion,
)

from .base import ServiceFactory
from .consultations import ConsultationFactory, ResponseFactory
from .core import UserFactory


class AnalysisRunFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AnalysisRun

    consultation = factory.SubFactory(ConsultationFactory)
    kind = RunKind.FULL
    started_at = factory.LazyFunction(lambda: timezone.now() - timedelta(seconds=4))
    finished_at = factory.LazyAttribute(lambda o: o.started_at + timedelta(seconds=3))
    summary = factory.LazyFunction(lambda: {"responses": 1, "groups": 0, "ideas": 1})


class AnalysedResponseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AnalysedResponse

    response = factory.SubFactory(ResponseFactory)
    run = factory.SubFactory(AnalysisRunFactory,
                             consultation=factory.SelfAttribute("..response.consultation"))
    language = "da"


class ProposalFactory(factory.django.DjangoModelFactory):
    """One proposal: by default the whole text of its response."""

    class Meta:
        model = Proposal

    response = factory.SubFactory(ResponseFactory)
    start = 0
    end = factory.LazyAttribute(lambda o: o.start + len(o.text))
    text = factory.LazyAttribute(lambda o: o.response.text)
    idea = None


class IdeaFactory(factory.django.DjangoModelFactory):
    """An idea; `responses=[r1, r2]` puts one proposal per response in it (the whole text),
    the first its representative, the counts to match."""

    class Meta:
        model = Idea
        skip_postgeneration_save = True

    responses = ()
    consultation = factory.SubFactory(ConsultationFactory)
    engine_key = factory.Sequence(lambda n: f"i-{n:06d}")
    label = "Åbne data om tilskud"
    keywords = factory.LazyFunction(lambda: ["tilskud", "data"])
    proposal_count = factory.LazyAttribute(lambda o: len(o.responses))
    response_count = factory.LazyAttribute(lambda o: len({r.pk for r in o.responses}))

    @classmethod
    def _create(cls, model_class, *, responses=(), **kwargs):
        idea = super()._create(model_class, **kwargs)
        proposals = [ProposalFactory(response=r, idea=idea) for r in responses]
        if proposals:
            idea.representative = proposals[0]
            idea.save(update_fields=["representative"])
        return idea


class ResponseGroupFactory(factory.django.DjangoModelFactory):
    """A group of near-identical responses; `members=[...]` puts those responses in it
    (suggested, as the engine leaves them); the canonical response defaults to the first."""

    class Meta:
        model = ResponseGroup
        skip_postgeneration_save = True

    members = ()
    consultation = factory.LazyAttribute(
        lambda o: o.members[0].consultation if o.members else ConsultationFactory())
    canonical = factory.LazyAttribute(
        lambda o: o.members[0] if o.members else ResponseFactory(consultation=o.consultation))
    engine_key = factory.Sequence(lambda n: f"g-{n:06d}")
    template = factory.LazyAttribute(lambda o: o.canonical.text)
    label = "Kampagne for åbne data"
    size = factory.LazyAttribute(lambda o: len(o.members))

    @classmethod
    def _create(cls, model_class, *, members=(), **kwargs):
        group = super()._create(model_class, **kwargs)
        for response in members:
            GroupMembershipFactory(response=response, group=group)
        return group


class GroupMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GroupMembership

    response = factory.SubFactory(ResponseFactory)
    group = factory.SubFactory(ResponseGroupFactory,
                               consultation=factory.SelfAttribute("..response.consultation"),
                               canonical=factory.SelfAttribute("..response"))
    additions = ""


GREETING = "Kære høringsansvarlige"


class SetAsideSegmentFactory(factory.django.DjangoModelFactory):
    """A greeting the engine set aside: by default the first line of a response."""

    class Meta:
        model = SetAsideSegment

    response = factory.SubFactory(
        ResponseFactory, text=f"{GREETING}\n\nVi foreslår åbne data om alle tilskud.")
    start = 0
    end = factory.LazyAttribute(lambda o: o.start + len(o.text))
    text = factory.LazyAttribute(lambda o: o.response.text.split("\n")[0])
    reason = SetAsideReason.GREETING


class TagSuggestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TagSuggestion

    response = factory.SubFactory(ResponseFactory)
    code = "GC1"
    score = 0.82


class PositionFactory(ServiceFactory):
    """The authority's position on an idea (`proposal=...` and `idea=None` for one
    proposal), through `insights.services.position_set`."""

    class Meta:
        model = Position

    idea = factory.SubFactory(IdeaFactory)
    proposal = None
    kind = PositionKind.NOT_ADOPTED
    justification_da = "Forslaget ligger uden for det, planen kan nå i denne periode."
    justification_en = "The proposal is beyond what the plan can achieve in this period."
    existing_strategy = ""
    actor = factory.SubFactory(UserFactory, roles=[roles.ANALYST])  # who decided

    @classmethod
    def _create(cls, model_class, actor, **kwargs):
        return services.position_set(actor=actor, **kwargs)
