"""The one way to change things (style rule 5; Wagtail's actions, Zulip's `do_*`).

Every staff change, whoever asks for it (a page, the CLI, a task, the admin), runs as

    with staff_action(actor=user, perm="plans.change_commitment", obj=commitment,
                      name="commitment.update") as act:
        before = snapshot(commitment)
        ...change...
        act.audit(commitment, before=before, after=snapshot(commitment))
        act.on_commit(lambda: notify(...))

which (1) checks the actor's permission on the object and raises `PermissionDenied` otherwise,
(2) opens one atomic block, (3) lets the caller change what it must, (4) writes the AuditEvents
the caller recorded (at least one: an action that changes something says so) and (5) runs side
effects only once the transaction has committed. A `DomainError` raised inside rolls everything
back. Code that runs without a person (CLI, tasks, demo) acts as `SystemActor("cli")` etc.,
which holds every permission and is named in the audit log.

`current_action()` tells code below (model signals, tests) whether a change runs inside an
action, which is how the test suite finds staff-model writes that bypass this layer.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models, transaction

from samskab.core.models import AuditEvent

_state = threading.local()


@dataclass(frozen=True)
class SystemActor:
    """A non-person actor (`cli`, `worker`, `demo`, `import`): holds every permission, is
    written to the audit log by name, is never a user row."""

    name: str = "system"
    is_authenticated: bool = False
    is_active: bool = True

    def has_perm(self, perm: str, obj: Any = None) -> bool:
        return True

    def get_username(self) -> str:
        return f"system:{self.name}"

    def __str__(self) -> str:
        return self.get_username()


def user_or_none(actor: Any) -> Any | None:
    """The user row behind an actor, or None for anonymous and system actors."""
    return actor if getattr(actor, "is_authenticated", False) else None


def actor_label(actor: Any) -> str:
    user = user_or_none(actor)
    if user is not None:
        return user.get_username()[:200]
    if isinstance(actor, SystemActor):
        return actor.get_username()[:200]
    return str(actor or "system")[:200]


def require(actor: Any, perm: str | None, obj: Any = None) -> None:
    """Raise PermissionDenied unless `actor` holds `perm` (on `obj`); None means no check."""
    if perm is None:
        return
    if actor is None or not actor.has_perm(perm, obj):
        raise PermissionDenied(perm)


@dataclass
class Action:
    actor: Any
    name: str
    _events: list[tuple[models.Model, str, dict | None, dict | None]] = field(
        default_factory=list)
    _effects: list[Callable[[], Any]] = field(default_factory=list)

    def audit(self, obj: models.Model, *, before: dict | None = None,
              after: dict | None = None, action: str | None = None) -> None:
        """Record that `obj` changed (written to the audit log before the action commits)."""
        self._events.append((obj, action or self.name, before, after))

    def on_commit(self, effect: Callable[[], Any]) -> None:
        """Run `effect` after the transaction commits (never when it rolls back)."""
        self._effects.append(effect)


def current_action() -> Action | None:
    stack = getattr(_state, "stack", None)
    return stack[-1] if stack else None


@contextmanager
def staff_action(*, actor: Any, perm: str | None, obj: Any = None, name: str,
                 audit_required: bool = True) -> Iterator[Action]:
    """Permission → atomic → change → AuditEvent → side effects on commit (module docstring).

    `perm=None` is for changes whose permission was checked by the caller against another
    object (for instance a bulk action checked once per consultation)."""
    require(actor, perm, obj)
    act = Action(actor=actor, name=name)
    stack = getattr(_state, "stack", None)
    if stack is None:
        stack = _state.stack = []
    stack.append(act)
    try:
        with transaction.atomic():
            yield act
            if audit_required and not act._events:
                raise RuntimeError(f"action {name!r} changed something but audited nothing")
            _write_events(act)
            for effect in act._effects:
                transaction.on_commit(effect)
    finally:
        stack.pop()


def _write_events(act: Action) -> None:
    user = user_or_none(act.actor)
    label = actor_label(act.actor)
    AuditEvent.objects.bulk_create([
        AuditEvent(actor=user, actor_label=label, action=action,
                   object_type=obj._meta.label_lower, object_id=str(obj.pk),
                   before=before, after=after)
        for obj, action, before, after in act._events
    ])
