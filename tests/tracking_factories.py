"""Plans for tracking tests: built with the ORM as the plans app stores them (the plans app
has its own services and tests; these tests are about what tracking does with a plan)."""

from datetime import date

from factories import OrganisationFactory, UserFactory
from samskab.core import roles
from samskab.core.models import Membership
from samskab.plans.models import ActionPlan, Commitment, Milestone, PlanStatus


def make_plan(*, slug="dk-2012", start=date(2012, 4, 1), end=date(2013, 3, 31),
              status=PlanStatus.IMPLEMENTATION):
    return ActionPlan.objects.create(slug=slug, title_da="Handlingsplan 2012",
                                     period_start=start, period_end=end, status=status)


def make_commitment(plan, identifier, agency, *, title="Åbne data om offentlige udgifter",
                    milestones=()):
    commitment = Commitment.objects.create(plan=plan, identifier=identifier, title_da=title,
                                           lead_agency=agency,
                                           contact_email=f"{identifier.lower()}@gov.example")
    for position, (title_da, end) in enumerate(milestones):
        Milestone.objects.create(commitment=commitment, position=position, title_da=title_da,
                                 start=plan.period_start, end=end)
    return commitment


def officer_of(agency, username):
    user = UserFactory(username=username, roles=[roles.AGENCY_OFFICER])
    Membership.objects.create(user=user, organisation=agency)
    return user


def plan_2012_world():
    """The 2012 plan with two commitments led by two agencies, each agency with an officer."""
    digst = OrganisationFactory(name="Digitaliseringsstyrelsen")
    erst = OrganisationFactory(name="Erhvervsstyrelsen")
    plan = make_plan()
    c1 = make_commitment(plan, "DK0001", digst, milestones=[
        ("Udgiftsdata offentliggjort", date(2012, 9, 30)),
        ("Datakatalog i drift", date(2013, 3, 1))])
    c2 = make_commitment(plan, "DK0002", erst, title="Register over reelle ejere", milestones=[
        ("Lovforslag fremsat", date(2012, 12, 31))])
    return {"plan": plan, "c1": c1, "c2": c2, "digst": digst, "erst": erst,
            "officer_digst": officer_of(digst, "anne"), "officer_erst": officer_of(erst, "bo")}
