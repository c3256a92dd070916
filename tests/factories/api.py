"""API tokens, created as staff create them (`api.services.api_token_create`)."""

import factory

from samskab.api import services
from samskab.api.models import ApiToken

from .base import ACTOR, ServiceFactory
from .consultations import ConsultationFactory


class ApiTokenFactory(ServiceFactory):
    """A token for one consultation; its one-time secret is kept on the object as `secret`
    (the database holds only its hash)."""

    class Meta:
        model = ApiToken

    consultation = factory.SubFactory(ConsultationFactory)
    name = "Høringsportalen"
    description = "Svar fra hoeringsportalen.example"

    @classmethod
    def _create(cls, model_class, actor=ACTOR, **kwargs):
        token, secret = services.api_token_create(actor=actor, **kwargs)
        token.secret = secret
        return token
