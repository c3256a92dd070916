"""Responses as records (contracts: Responses .jsonl), for `samskab export responses`."""

import io
import json
from collections.abc import Iterable, Iterator
from typing import Any

from django.utils import timezone

from samskab.consultations import selectors
from samskab.consultations.models import Attachment, Consultation, RespondentKind, Response
from samskab.core.text import SafeDictWriter

CSV_FIELDS = ["id", "reference", "text", "respondent_kind", "organisation", "received_at",
              "language", "channel", "status", "late", "attachments"]
PRIVATE_FIELDS = ["name", "email"]


def response_record(response: Response) -> dict[str, Any]:
    """One response as the contract's record in its private (staff) form: everything,
    including the respondent's name and e-mail and the unredacted text."""
    respondent = response.respondent
    return {
        "id": response.reference,
        "reference": response.reference,
        "text": response.text,
        "respondent_kind": respondent.kind,
        "organisation": respondent.organisation,
        "received_at": timezone.localtime(response.received_at).isoformat(),
        "language": response.language,
        "channel": response.channel,
        "status": response.status,
        "late": response.late,
        "attachments": [
            {"name": a.original_name, "mime": a.mime_type, "sha256": a.sha256,
             "status": a.extraction_status, "ocr": a.ocr, "text": a.extracted_text}
            for a in response.attachments.all()
        ],
        "name": respondent.name,
        "email": respondent.email,
    }


def private_records(consultation: Consultation) -> Iterator[dict[str, Any]]:
    for response in selectors.responses_for_export(consultation).iterator(chunk_size=500):
        yield response_record(response)


def public_records(consultation: Consultation) -> Iterator[dict[str, Any]]:
    """What the public may have: published responses only, as staff published them (their
    redactions applied, attachments' text inside the published text), read through the
    public selector. Nothing before the deadline; no names of private persons without
    consent; no e-mail addresses; attachment names left out (they often carry names)."""
    from samskab.workspace.selectors import published_responses

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


def write_jsonl(records: Iterable[dict[str, Any]], out: io.TextIOBase) -> int:
    count = 0
    for record in records:
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
        count += 1
    return count


def write_csv(records: Iterable[dict[str, Any]], out: io.TextIOBase, *, private: bool) -> int:
    # Cells are neutralised: a response starting with `=HYPERLINK(…)` stays text in Excel.
    writer = SafeDictWriter(out, fieldnames=CSV_FIELDS + (PRIVATE_FIELDS if private else []))
    writer.writeheader()
    count = 0
    for record in records:
        row = dict(record)
        row["attachments"] = json.dumps(record["attachments"], ensure_ascii=False)
        row["late"] = "true" if record["late"] else "false"
        writer.writerow(row)
        count += 1
    return count
