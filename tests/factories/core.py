"""Users, organisations and their members."""

import factory
from django.contrib.auth.models import Group

from samskab.core import services
from samskab.core.models import Membership, Organisation, OrganisationDomain, OrganisationKind

from .base import ACTOR, ServiceFactory


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "auth.User"
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@digst.example")
    password = factory.django.Password("correct horse battery staple")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        """`UserFactory(roles=["analyst"])` puts the user in those staff role groups."""
        if create and extracted:
            for role in extracted:
                self.groups.add(Group.objects.get_or_create(name=role)[0])


class OrganisationFactory(ServiceFactory):
    """An organisation, created through `core.services.organisation_save` (audited);
    `domains=["digst.dk"]` gives it e-mail domains."""

    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Styrelsen for område {n}")
    kind = OrganisationKind.AUTHORITY_STATE
    short_name = ""
    cvr = ""
    website = ""
    domains = ()

    @classmethod
    def _create(cls, model_class, **kwargs):
        return services.organisation_save(actor=kwargs.pop("actor", ACTOR), **kwargs)


class OrganisationDomainFactory(ServiceFactory):
    """One more e-mail domain of an organisation, added through `organisation_save`."""

    class Meta:
        model = OrganisationDomain

    organisation = factory.SubFactory(OrganisationFactory)
    domain = factory.Sequence(lambda n: f"omraade{n}.example")

    @classmethod
    def _create(cls, model_class, organisation, domain, actor=ACTOR):
        have = list(organisation.domains.values_list("domain", flat=True))
        services.organisation_save(
            actor=actor, organisation=organisation, name=organisation.name,
            kind=organisation.kind, short_name=organisation.short_name, cvr=organisation.cvr,
            website=organisation.website, domains=[*have, domain])
        return organisation.domains.get(domain=services.normalise_domain(domain))


class MembershipFactory(ServiceFactory):
    """A staff user's membership of an organisation, through `core.services.membership_add`."""

    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)

    @classmethod
    def _create(cls, model_class, user, organisation, actor=ACTOR):
        return services.membership_add(actor=actor, organisation=organisation, user=user)
