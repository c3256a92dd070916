"""What every factory module shares: the actor that runs the services they go through."""

import factory

from samskab.core.actions import SystemActor

# Factories that create staff data go through the app's service, which runs it as a staff
# action (permission → atomic → change → AuditEvent) like any other change: the audit log
# names this actor.
ACTOR = SystemActor("factory")


class ServiceFactory(factory.django.DjangoModelFactory):
    """A factory whose objects come into being through a service, never a bare `save()`:
    subclasses implement `_create` by calling it. `build()` makes an unsaved instance only
    where the model's own fields allow it."""

    class Meta:
        abstract = True
        skip_postgeneration_save = True
