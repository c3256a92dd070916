"""factory_boy factories for the domain (style rule 8)."""

from datetime import timedelta

import factory
from django.utils import timezone

from samskab.consultations import services
from samskab.consultations.models import Consultation, Respondent, RespondentKind


class ConsultationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Consultation
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"hoering-{n}")
    title_da = factory.Sequence(lambda n: f"Høring nummer {n} om åbne data")
    title_en = factory.Sequence(lambda n: f"Consultation number {n} on open data")
    summary_da = "Vi vil gerne høre dine idéer til åben forvaltning."
    body_da = "Høringsbrevet: send os dine forslag."
    authority = "Digitaliseringsstyrelsen"
    opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=3))
    published_at = factory.LazyAttribute(lambda o: o.opens_at - timedelta(days=7))
    closes_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=25))
    contact_email = "ogp@digst.example"
    intake_email = factory.Sequence(lambda n: f"hoering-{n}@digst.example")
    subject_tag = "OGP-høring"
    reference_prefix = factory.Sequence(lambda n: f"H{n}")

    class Params:
        closed = factory.Trait(
            opens_at=factory.LazyFunction(lambda: timezone.now() - timedelta(days=40)),
            closes_at=factory.LazyFunction(lambda: timezone.now() - timedelta(days=2)),
        )
        upcoming = factory.Trait(
            opens_at=factory.LazyFunction(lambda: timezone.now() + timedelta(days=5)),
            closes_at=factory.LazyFunction(lambda: timezone.now() + timedelta(days=30)),
        )


class RespondentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Respondent

    kind = RespondentKind.CITIZEN
    name = "Søren Østergaard"
    email = "soeren@mail.example"


def receive(consultation, text="Vi foreslår åbne data om alle kommunale budgetter.", **kwargs):
    """Receive a response through the one door in, with sensible defaults."""
    kwargs.setdefault("channel", "web")
    kwargs.setdefault(
        "respondent",
        services.RespondentData(kind="citizen", name="Åse Bæk", email="aase@mail.example"),
    )
    return services.response_receive(consultation=consultation, text=text, **kwargs)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "core.Organisation"

    name = factory.Sequence(lambda n: f"Styrelsen for område {n}")
    kind = "authority_state"


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
            from django.contrib.auth.models import Group

            for role in extracted:
                self.groups.add(Group.objects.get_or_create(name=role)[0])


def link_to_commitment(*, idea=None, proposal=None, identifier="DK0001",
                       title="Åbne data om tilskud"):
    """Trace `idea` (or `proposal`) to a commitment of a draft plan, as a plan editor does:
    the golden link, which also records the position as adopted when it is not already."""
    from datetime import date

    from samskab.core.actions import SystemActor
    from samskab.plans import services as plans
    from samskab.plans.models import ActionPlan

    actor = SystemActor("test")
    plan = ActionPlan.objects.first() or plans.plan_save(
        actor=actor, title_da="Handlingsplan til test", period_start=date(2012, 4, 1),
        period_end=date(2013, 3, 31))
    commitment = plan.commitments.filter(identifier=identifier).first() or plans.commitment_save(
        actor=actor, plan=plan, values={"title_da": title}, identifier=identifier)
    return plans.commitment_source_link(actor=actor, commitment=commitment, idea=idea,
                                        proposal=proposal)
