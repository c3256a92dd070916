"""What the public documents add: the notat's hand-written text and its publications go
through `publishing.services` (staff changes); subscriptions through the public
subscribe-and-confirm path; bulk files are built by `publishing.bulk`."""

import factory

from samskab.publishing import bulk, services, subscriptions
from samskab.publishing.models import (
    DataRelease,
    NotatPublication,
    NotatText,
    Subscription,
    SubscriptionDelivery,
    SubscriptionTopic,
)

from .base import ACTOR, ServiceFactory
from .consultations import ConsultationFactory


class NotatTextFactory(ServiceFactory):
    """The høringsnotat's hand-written parts (`notat_text_update`)."""

    class Meta:
        model = NotatText

    consultation = factory.SubFactory(ConsultationFactory, closed=True)
    published_where = "Høringsportalen og Digitaliseringsstyrelsens hjemmeside"
    general_remarks_da = "Tak til alle, der har svaret."
    other_matters_da = ""

    @classmethod
    def _create(cls, model_class, actor=ACTOR, **kwargs):
        return services.notat_text_update(actor=actor, **kwargs)


class NotatPublicationFactory(ServiceFactory):
    """A published version of the notat (`notat_publish`: after the deadline, every idea
    answered); its formats are rendered by a task once the transaction commits."""

    class Meta:
        model = NotatPublication

    consultation = factory.SubFactory(ConsultationFactory, closed=True)

    @classmethod
    def _create(cls, model_class, actor=ACTOR, **kwargs):
        return services.notat_publish(actor=actor, **kwargs)


class SubscriptionFactory(ServiceFactory):
    """A subscription asked for (`subscription_request`) and, unless `confirmed=False`,
    confirmed through the link in the mail (`subscription_confirm`)."""

    class Meta:
        model = Subscription

    email = factory.Sequence(lambda n: f"abonnent{n}@mail.example")
    topic = SubscriptionTopic.CONSULTATIONS
    authority = ""
    theme = ""
    language = "da"
    plan_slug = ""
    confirmed = True

    @classmethod
    def _create(cls, model_class, *, confirmed, **kwargs):
        subscription = subscriptions.subscription_request(**kwargs)
        if confirmed:
            subscription = subscriptions.subscription_confirm(token=subscription.token)
        return subscription


class SubscriptionDeliveryFactory(factory.django.DjangoModelFactory):
    """The record the notifier leaves once it has sent one item to one subscription."""

    class Meta:
        model = SubscriptionDelivery

    subscription = factory.SubFactory(SubscriptionFactory)
    item_key = factory.Sequence(lambda n: f"consultation:{n}")


class DataReleaseFactory(ServiceFactory):
    """A closed consultation's bulk file (`bulk.release_build`); the latest one when the
    data has not changed since."""

    class Meta:
        model = DataRelease

    consultation = factory.SubFactory(ConsultationFactory, closed=True)

    @classmethod
    def _create(cls, model_class, consultation):
        return bulk.release_build(consultation) or bulk.latest_release(consultation)
