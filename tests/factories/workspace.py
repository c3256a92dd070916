"""What staff do to a response in the workspace: every row through the workspace services."""

import factory

from samskab.consultations.models import ResponseStatus
from samskab.core import roles
from samskab.workspace import services
from samskab.workspace.models import (
    InvitedPartyMatch,
    ModerationDecision,
    PublishedVersion,
    Redaction,
)

from .base import ACTOR, ServiceFactory
from .consultations import ConsultationFactory, InvitedPartyFactory, ResponseFactory
from .core import UserFactory


class RedactionFactory(ServiceFactory):
    """A phrase masked by hand (`redaction_add`): every unmasked occurrence of `phrase`."""

    class Meta:
        model = Redaction

    response = factory.SubFactory(
        ResponseFactory, text="Min nabo Karen Holmgaard foreslår åbne data om skoler.")
    phrase = "Karen Holmgaard"
    reason = "Navn på en privatperson."

    @classmethod
    def _create(cls, model_class, response, phrase, reason, actor=ACTOR):
        return services.redaction_add(actor=actor, response=response, phrase=phrase,
                                      reason=reason)[0]


class PublishedVersionFactory(ServiceFactory):
    """A response published (`response_publish`), so after its consultation's deadline: the
    default response is an e-mail to a closed consultation."""

    class Meta:
        model = PublishedVersion

    response = factory.SubFactory(
        ResponseFactory, consultation=factory.SubFactory(ConsultationFactory, closed=True))
    actor = factory.SubFactory(UserFactory, roles=[roles.MODERATOR])  # who published it

    @classmethod
    def _create(cls, model_class, response, actor, **kwargs):
        return services.response_publish(actor=actor, response=response, **kwargs)


class ModerationDecisionFactory(ServiceFactory):
    """A response withheld (or, `status=ResponseStatus.REJECTED`, rejected) with a reason."""

    class Meta:
        model = ModerationDecision

    response = factory.SubFactory(ResponseFactory)
    status = ResponseStatus.WITHHELD
    reason = "Svaret indeholder oplysninger om en tredjepart."
    actor = factory.SubFactory(UserFactory, roles=[roles.MODERATOR])  # who decided

    @classmethod
    def _create(cls, model_class, response, status, reason, actor):
        decide = {ResponseStatus.WITHHELD: services.response_withhold,
                  ResponseStatus.REJECTED: services.response_reject}[status]
        return decide(actor=actor, response=response, reason=reason).moderation


class InvitedPartyMatchFactory(ServiceFactory):
    """A response linked to a party on the høringsliste by hand (`invited_party_match_add`,
    confirmed at once)."""

    class Meta:
        model = InvitedPartyMatch

    party = factory.SubFactory(InvitedPartyFactory)
    response = factory.SubFactory(ResponseFactory,
                                  consultation=factory.SelfAttribute("..party.consultation"))

    @classmethod
    def _create(cls, model_class, party, response, actor=ACTOR):
        return services.invited_party_match_add(actor=actor, party=party, response=response)
