"""factory_boy factories for every model of our apps that tests build (style rule 8), one
module per app. Staff data is created through the app's services, as staff create it, so
tests write no staff model outside an action (tests/action_guard.py); what the intake, the
analysis engine, importers and workers store is stored as they store it.
tests/test_factories.py fails when a model has no factory here."""

from .api import ApiTokenFactory
from .base import ACTOR
from .consultations import (
    AttachmentFactory,
    ConsultationDocumentFactory,
    ConsultationFactory,
    InvitedPartyFactory,
    ProcessStepFactory,
    RawSubmissionFactory,
    RespondentFactory,
    ResponseFactory,
    ThemeFactory,
    receive,
)
from .core import MembershipFactory, OrganisationDomainFactory, OrganisationFactory, UserFactory
from .insights import (
    AnalysedResponseFactory,
    AnalysisRunFactory,
    GroupMembershipFactory,
    IdeaFactory,
    PositionFactory,
    ProposalFactory,
    ResponseGroupFactory,
    SetAsideSegmentFactory,
    TagSuggestionFactory,
)
from .plans import (
    ActionPlanFactory,
    CommitmentFactory,
    CommitmentSourceFactory,
    MilestoneFactory,
    PlanCommentFactory,
    PlanVersionFactory,
    StrategyFactory,
    StrategyInitiativeFactory,
    link_to_commitment,
    plan_move_to,
)
from .publishing import (
    DataReleaseFactory,
    NotatPublicationFactory,
    NotatTextFactory,
    SubscriptionDeliveryFactory,
    SubscriptionFactory,
)
from .tracking import (
    AssessmentFactory,
    ForeignCommitmentFactory,
    ForumMeetingFactory,
    ProgressEvidenceFactory,
    ProgressUpdateFactory,
    ReminderSentFactory,
    SelfAssessmentFactory,
    SimilarCommitmentFactory,
    officer_of,
    plan_2012_world,
)
from .workspace import (
    InvitedPartyMatchFactory,
    ModerationDecisionFactory,
    PublishedVersionFactory,
    RedactionFactory,
)

__all__ = ["ACTOR", "ActionPlanFactory", "AnalysedResponseFactory", "AnalysisRunFactory",
           "ApiTokenFactory", "AssessmentFactory", "AttachmentFactory", "CommitmentFactory",
           "CommitmentSourceFactory", "ConsultationDocumentFactory", "ConsultationFactory",
           "DataReleaseFactory", "ForeignCommitmentFactory", "ForumMeetingFactory",
           "GroupMembershipFactory", "IdeaFactory", "InvitedPartyFactory",
           "InvitedPartyMatchFactory", "MembershipFactory", "MilestoneFactory",
           "ModerationDecisionFactory", "NotatPublicationFactory", "NotatTextFactory",
           "OrganisationDomainFactory", "OrganisationFactory", "PlanCommentFactory",
           "PlanVersionFactory", "PositionFactory", "ProcessStepFactory",
           "ProgressEvidenceFactory", "ProgressUpdateFactory", "ProposalFactory",
           "PublishedVersionFactory", "RawSubmissionFactory", "RedactionFactory",
           "ReminderSentFactory", "RespondentFactory", "ResponseFactory",
           "ResponseGroupFactory", "SelfAssessmentFactory", "SetAsideSegmentFactory",
           "SimilarCommitmentFactory", "StrategyFactory", "StrategyInitiativeFactory",
           "SubscriptionDeliveryFactory", "SubscriptionFactory", "TagSuggestionFactory",
           "ThemeFactory", "UserFactory", "link_to_commitment", "officer_of",
           "plan_2012_world", "plan_move_to", "receive"]
