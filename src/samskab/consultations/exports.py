"""Responses as records (contracts: Responses .jsonl), for `samskab export responses`."""

import csv
import io
import json
from collections.abc import Iterable, Iterator
from typing import Any

from django.utils import timezone

from samskab.consultations import redaction, selectors
from samskab.consultations.models import Consultation, Response, ResponseStatus

CSV_FIELDS = ["id", "reference", "text", "respondent_kind", "organisation", "received_at",
              "language", "channel", "status", "late", "attachments"]
PRIVATE_FIELDS = ["name", "email"]


def response_record(response: Response, *, private: bool) -> dict[str, Any]:
    """One response as the contract's record. The non-private form is what could be published:
    no name or e-mail, a private person's organisation left out, personal data masked."""
    respondent = response.respondent
    text = response.text if private else redaction.mask(response.text)
    record: dict[str, Any] = {
        "id": response.reference,
        "reference": response.reference,
        "text": text,
        "respondent_kind": respondent.kind,
        "organisation": respondent.organisation if (private or respondent.is_organisation)
        else "",
        "received_at": timezone.localtime(response.received_at).isoformat(),
        "language": response.language,
        "channel": response.channel,
        "status": response.status,
        "late": response.late,
        "attachments": [
            {
                "name": a.original_name,
                "mime": a.mime_type,
                "sha256": a.sha256,
                "status": a.extraction_status,
                "ocr": a.ocr,
                "text": a.extracted_text if private else redaction.mask(a.extracted_text),
            }
            for a in response.attachments.all()
        ],
    }
    if private:
        record["name"] = respondent.name
        record["email"] = respondent.email
    return record


def exportable(consultation: Consultation, *, private: bool) -> Iterator[Response]:
    responses = selectors.responses_for_export(consultation)
    if not private:
        responses = responses.filter(consent_publish_response=True).exclude(
            status__in=[ResponseStatus.WITHHELD, ResponseStatus.REJECTED]
        )
    return responses.iterator(chunk_size=500)


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
