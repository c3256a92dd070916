"""Shared services: the audit trail every staff change passes through."""

from typing import Any

from django.db import models

from samskab.core.models import AuditEvent


def audit_record(
    *,
    actor: Any | None,
    action: str,
    obj: models.Model,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one AuditEvent. Call inside the transaction that makes the change, so the event
    and the change commit or roll back together."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    label = (user.get_username() if user else str(actor or "system"))[:200]
    return AuditEvent.objects.create(
        actor=user,
        actor_label=label,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        before=before,
        after=after,
    )
