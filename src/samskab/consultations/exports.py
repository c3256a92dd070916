"""Responses as records (contracts: Responses .jsonl), for `samskab export responses`.

This is the private (staff) form and the writers; the public form is
`publishing.selectors.response_records`, read through the one door out."""

import csv
import io
import json
from collections.abc import Iterable, Iterator
from typing import Any

from django.utils import timezone

from samskab.consultations import selectors
from samskab.consultations.models import Consultation, Response

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


def write_jsonl(records: Iterable[dict[str, Any]], out: io.TextIOBase) -> int:
    count = 0
    for record in records:
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
        count += 1
    return count


def write_csv(records: Iterable[dict[str, Any]], out: io.TextIOBase, *, private: bool) -> int:
    writer = csv.DictWriter(out, fieldnames=CSV_FIELDS + (PRIVATE_FIELDS if private else []))
    writer.writeheader()
    count = 0
    for record in records:
        row = dict(record)
        row["attachments"] = json.dumps(record["attachments"], ensure_ascii=False)
        row["late"] = "true" if record["late"] else "false"
        writer.writerow(row)
        count += 1
    return count
