"""Use cases of publishing: the høringsnotat's hand-written text."""

from typing import Any

from samskab.consultations.models import Consultation
from samskab.core.actions import staff_action, user_or_none
from samskab.publishing.models import NotatText

FIELDS = ("published_where", "general_remarks_da", "other_matters_da")


def notat_text_update(*, consultation: Consultation, actor: Any, published_where: str,
                      general_remarks_da: str, other_matters_da: str) -> NotatText:
    """Save the notat's hand-written parts; audited. Raises PermissionDenied for roles that
    may not write it."""
    with staff_action(actor=actor, perm="publishing.change_notat", obj=consultation,
                      name="notat_text.update") as act:
        text, _ = NotatText.objects.select_for_update().get_or_create(consultation=consultation)
        before = {name: getattr(text, name) for name in FIELDS}
        text.published_where = published_where.strip()
        text.general_remarks_da = general_remarks_da.strip()
        text.other_matters_da = other_matters_da.strip()
        text.updated_by = user_or_none(actor)
        text.save(update_fields=[*FIELDS, "updated_by", "updated_at"])
        act.audit(text, before=before, after={name: getattr(text, name) for name in FIELDS})
    return text
