"""Every concrete model of our apps has a factory in tests/factories (style rule 8), and
every factory makes a valid object without writing a staff model outside an action (the
action guard of tests/conftest.py watches the second test)."""

import pytest
from django.apps import apps
from django.db.models import BooleanField

import factories

# Models that must never be built directly in a test, with the reason.
NO_FACTORY = {
    # The append-only audit log: written only by core.actions.staff_action, as the record of
    # a change; a test that needs one makes the change.
    "core.AuditEvent",
    # OGP's fixed taxonomy (five grand challenges, four values), installed by the migration
    # core 0002 (and `core.taxonomy.ensure()` after a flush); tests use those rows by code.
    "core.GrandChallenge",
    "core.OgpValue",
    # Derived counts kept by tracking.tallies.tally_refresh and never edited by hand; a test
    # receives or publishes responses and lets the tallies count them.
    "tracking.ResponseTally",
    "tracking.ResponseTallyState",
}


def _our_models() -> dict[str, type]:
    """label → model of every concrete model of the samskab apps (no proxies, no automatic
    many-to-many tables)."""
    return {model._meta.label: model
            for config in apps.get_app_configs() if config.name.startswith("samskab.")
            for model in config.get_models()
            if not model._meta.proxy and not model._meta.abstract}


def _factories() -> dict[str, type]:
    found = {}
    for name in factories.__all__:
        candidate = getattr(factories, name)
        if isinstance(candidate, type) and issubclass(candidate, factories.base.factory.Factory):
            found[name] = candidate
    return found


FACTORIES = _factories()


def test_every_model_of_our_apps_has_a_factory_or_a_reason():
    models = _our_models()
    covered = {f._meta.get_model_class()._meta.label for f in FACTORIES.values()}
    assert sorted(set(models) - covered - NO_FACTORY) == []
    # The allow-list names real models that really have no factory.
    assert sorted(NO_FACTORY - set(models)) == []
    assert sorted(NO_FACTORY & covered) == []


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(FACTORIES))
def test_each_factory_makes_a_valid_saved_object(name):
    factory_class = FACTORIES[name]
    obj = factory_class()
    model = factory_class._meta.get_model_class()
    assert type(obj) is model and obj.pk is not None
    fresh = model.objects.get(pk=obj.pk)
    # A nullable boolean means "not known" (a verdict the era has none of); the models leave
    # it out of forms (not blank=True), so model validation would call None missing.
    unknown = [f.name for f in model._meta.fields if isinstance(f, BooleanField) and f.null]
    fresh.full_clean(exclude=unknown)
    # A second object of the same factory does not clash with the first (unique fields).
    assert factory_class().pk != obj.pk


@pytest.mark.django_db
def test_a_plan_reaches_each_later_status_through_the_services():
    from samskab.plans.models import PlanStatus

    plan = factories.ActionPlanFactory(status=PlanStatus.PUBLIC_COMMENT)
    assert plan.status == PlanStatus.PUBLIC_COMMENT and plan.versions.get().comment_consultation
    factories.plan_move_to(plan, PlanStatus.ADOPTED)
    factories.plan_move_to(plan, PlanStatus.COMPLETED)
    assert plan.status == PlanStatus.COMPLETED and plan.adopted_at is not None
    assert plan.versions.count() == 2  # the draft out for comment, the adopted plan
    factories.plan_move_to(plan, PlanStatus.IMPLEMENTATION)  # never backwards
    assert plan.status == PlanStatus.COMPLETED
