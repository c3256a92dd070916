"""The public form of `samskab export responses` (contracts: Responses .jsonl): published
responses only, read through the public selector. The writers and the private (staff) form
are in `samskab.consultations.exports`."""

from collections.abc import Iterator
from typing import Any

from django.utils import timezone

from samskab.consultations.models import Attachment, Consultation, RespondentKind
from samskab.workspace.selectors import published_responses


def public_records(consultation: Consultation) -> Iterator[dict[str, Any]]:
    """What the public may have: published responses only, as staff published them (their
    redactions applied, attachments' text inside the published text), read through the
    public selector. Nothing before the deadline; no names of private persons without
    consent; no e-mail addresses; attachment names left out (they often carry names)."""
    if consultation.closes_at > timezone.now():
        return  # responses are published after the deadline
    rows = published_responses(consultation).values(
        "id", "reference", "received_at", "respondent__kind", "sender", "language", "channel",
        "status", "late", "published_version__text",
    )
    attachments: dict[int, list[dict[str, Any]]] = {}
    ids = [row["id"] for row in rows]
    for start in range(0, len(ids), 1000):
        for a in Attachment.objects.filter(response_id__in=ids[start:start + 1000]).values(
            "response_id", "mime_type", "sha256", "extraction_status", "ocr"
        ).order_by("id"):
            attachments.setdefault(a["response_id"], []).append(a)
    for row in rows:
        kind = row["respondent__kind"]
        yield {
            "id": row["reference"],
            "reference": row["reference"],
            "text": row["published_version__text"],
            "respondent_kind": kind,
            "organisation": row["sender"] if kind != RespondentKind.CITIZEN else "",
            "received_at": timezone.localtime(row["received_at"]).isoformat(),
            "language": row["language"],
            "channel": row["channel"],
            "status": row["status"],
            "late": row["late"],
            "attachments": [
                {"name": f"bilag-{i}", "mime": a["mime_type"], "sha256": a["sha256"],
                 "status": a["extraction_status"], "ocr": a["ocr"], "text": ""}
                for i, a in enumerate(attachments.get(row["id"], []), start=1)
            ],
        }
