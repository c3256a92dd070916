"""Bulk files of the public process: per consultation one ZIP with every public entity as CSV
and JSON, a Frictionless Data Package (`datapackage.json`) describing every file's schema, a
data dictionary in Danish and English and the licence.

A release is built from the public read model only and written to storage; the newest is
served at a stable address and the dated ones are kept. A build whose content equals the newest
release's (the fingerprint ignores timestamps) makes no new release, so rebuilding on a
schedule is cheap in storage and the dated list only grows when the data changed."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from samskab.consultations import exports
from samskab.consultations.models import Consultation
from samskab.core.models import AuditEvent
from samskab.core.text import csv_safe_cell
from samskab.publishing import catalogue
from samskab.publishing.models import DataRelease


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # Table Schema type: string, integer, boolean, datetime, array, …
    da: str
    en: str


@dataclass(frozen=True)
class Table:
    name: str
    title_da: str
    title_en: str
    columns: tuple[Column, ...]
    rows: Callable[[Consultation], Iterable[dict[str, Any]]]
    primary_key: tuple[str, ...] = ()
    # (field, table, field of that table): the links of the golden thread between files
    foreign_keys: tuple[tuple[str, str, str], ...] = field(default=())


def _consultation_rows(consultation: Consultation) -> Iterator[dict[str, Any]]:
    yield {
        "slug": consultation.slug,
        "title_da": consultation.title_da,
        "title_en": consultation.title_en,
        "authority": consultation.authority,
        "published_at": timezone.localtime(consultation.published_at).isoformat(),
        "opens_at": timezone.localtime(consultation.opens_at).isoformat(),
        "closes_at": timezone.localtime(consultation.closes_at).isoformat(),
        "url": settings.SITE_URL.rstrip("/") + reverse("consultations:detail",
                                                       args=[consultation.slug]),
    }


def _response_rows(consultation: Consultation) -> Iterator[dict[str, Any]]:
    for record in exports.public_records(consultation):
        yield {**record, "consultation": consultation.slug}


TABLES: tuple[Table, ...] = (
    Table("consultation", "Høringen", "The consultation", (
        Column("slug", "string", "Høringens korte navn (nøgle)", "The consultation's key"),
        Column("title_da", "string", "Titel på dansk", "Title in Danish"),
        Column("title_en", "string", "Titel på engelsk", "Title in English"),
        Column("authority", "string", "Myndigheden bag høringen", "The consulting authority"),
        Column("published_at", "datetime", "Høringsmaterialet offentliggjort",
               "Call published"),
        Column("opens_at", "datetime", "Høringen åbnede", "Consultation opened"),
        Column("closes_at", "datetime", "Høringsfrist", "Deadline"),
        Column("url", "string", "Høringens side", "The consultation's page"),
    ), _consultation_rows, primary_key=("slug",)),
    Table("responses", "Offentliggjorte høringssvar", "Published consultation responses", (
        Column("id", "string", "Referencenummer (nøgle)", "Reference number (key)"),
        Column("reference", "string", "Referencenummer", "Reference number"),
        Column("consultation", "string", "Høringens korte navn", "The consultation's key"),
        Column("text", "string", "Svarets tekst, som den er offentliggjort (personoplysninger "
               "maskeret, bilags tekst indeholdt)", "The response as published (personal data "
               "masked, attachments' text included)"),
        Column("respondent_kind", "string", "Afsendertype (citizen, business, ngo, "
               "authority_state, authority_region, authority_municipality, research, other)",
               "Kind of respondent"),
        Column("organisation", "string", "Organisation (tom for borgere)",
               "Organisation (empty for citizens)"),
        Column("received_at", "datetime", "Modtaget", "Received"),
        Column("language", "string", "Sprog (ISO 639-1)", "Language (ISO 639-1)"),
        Column("channel", "string", "Kanal (web, email, api, import, letter)",
               "Channel (web, email, api, import, letter)"),
        Column("status", "string", "Status", "Status"),
        Column("late", "boolean", "Modtaget efter fristen", "Received after the deadline"),
        Column("attachments", "array", "Bilag: type, sha256 og udtræksstatus (JSON)",
               "Attachments: type, sha256 and extraction status (JSON)"),
    ), _response_rows, primary_key=("id",),
        foreign_keys=(("consultation", "consultation", "slug"),)),
)


def _cell(value: Any) -> Any:
    """A CSV cell that a spreadsheet will not run as a formula."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, str):
        return csv_safe_cell(value)  # the project's one rule (core.text)
    return "" if value is None else value


def _write_table(archive: zipfile.ZipFile, table: Table, consultation: Consultation,
                 digest: Any, stamp: tuple) -> int:
    names = [column.name for column in table.columns]
    count = 0
    csv_info = zipfile.ZipInfo(f"{table.name}.csv", date_time=stamp)
    csv_info.compress_type = zipfile.ZIP_DEFLATED
    json_info = zipfile.ZipInfo(f"{table.name}.json", date_time=stamp)
    json_info.compress_type = zipfile.ZIP_DEFLATED
    # Rows are read once into a spooled file, then written as CSV and JSON.
    with tempfile.TemporaryFile("w+", encoding="utf-8") as spool:
        for row in table.rows(consultation):
            spool.write(json.dumps({name: row.get(name) for name in names},
                                   ensure_ascii=False) + "\n")
            count += 1
        spool.seek(0)
        with archive.open(csv_info, "w") as raw:
            out = io.TextIOWrapper(raw, encoding="utf-8", newline="")
            writer = csv.writer(out)
            writer.writerow(names)
            for line in spool:
                digest.update(line.encode())
                row = json.loads(line)
                writer.writerow([_cell(row[name]) for name in names])
            out.flush()
            out.detach()
        spool.seek(0)
        with archive.open(json_info, "w") as raw:
            out = io.TextIOWrapper(raw, encoding="utf-8")
            out.write("[\n")
            for index, line in enumerate(spool):
                out.write((",\n" if index else "") + line.rstrip("\n"))
            out.write("\n]\n")
            out.flush()
            out.detach()
    return count


def datapackage(consultation: Consultation, counts: dict[str, int]) -> dict[str, Any]:
    licence = settings.SAMSKAB_DATA_LICENCE
    resources = []
    for table in TABLES:
        schema: dict[str, Any] = {
            "fields": [{"name": c.name, "type": c.type, "description": c.en,
                        "title": c.da} for c in table.columns],
        }
        if table.primary_key:
            schema["primaryKey"] = list(table.primary_key)
        if table.foreign_keys:
            schema["foreignKeys"] = [
                {"fields": own, "reference": {"resource": f"{other}-csv", "fields": key}}
                for own, other, key in table.foreign_keys]
        resources.append({
            "name": f"{table.name}-csv", "path": f"{table.name}.csv", "format": "csv",
            "mediatype": "text/csv", "encoding": "utf-8", "profile": "tabular-data-resource",
            "title": table.title_en, "description": table.title_da,
            "schema": schema,
        })
        resources.append({
            "name": f"{table.name}-json", "path": f"{table.name}.json", "format": "json",
            "mediatype": "application/json", "encoding": "utf-8",
            "profile": "tabular-data-resource", "title": table.title_en,
            "description": table.title_da,
            "schema": {key: value for key, value in schema.items() if key != "foreignKeys"},
        })
    return {
        "profile": "tabular-data-package",
        "name": f"samskab-{consultation.slug}".lower(),
        "title": f"Samskab: {consultation.title_da}",
        "description": consultation.summary_da,
        "homepage": settings.SITE_URL.rstrip("/") + reverse("consultations:detail",
                                                            args=[consultation.slug]),
        "licenses": [{"name": licence, "path": catalogue.licence_uri(),
                      "title": licence}],
        "created": timezone.now().isoformat(timespec="seconds"),
        "resources": resources,
        "x-row-counts": counts,
    }


def readme(consultation: Consultation, counts: dict[str, int]) -> str:
    lines = [f"# {consultation.title_da}", "",
             "## Dansk", "",
             "Offentlige data fra høringen, som de er offentliggjort i Samskab: kun "
             "offentliggjorte høringssvar i deres offentliggjorte udgave (personoplysninger "
             "maskeret). Hver tabel findes som CSV (UTF-8, komma) og JSON; `datapackage.json` "
             "beskriver felterne (Frictionless Data Package). Celler der begynder med = + - @ "
             "har fået en apostrof foran i CSV-filerne, så regneark ikke udfører dem.", "",
             f"Licens: {settings.SAMSKAB_DATA_LICENCE} ({catalogue.licence_uri()}).", ""]
    for table in TABLES:
        lines += [f"### {table.name}.csv / {table.name}.json: {table.title_da} "
                  f"({counts.get(table.name, 0)} rækker)", "",
                  "| felt | type | betydning |", "| --- | --- | --- |"]
        lines += [f"| {c.name} | {c.type} | {c.da} |" for c in table.columns]
        lines.append("")
    lines += ["## English", "",
              "Public data of the consultation as published in Samskab: published responses "
              "only, in their published version (personal data masked). Each table comes as "
              "CSV (UTF-8, comma) and JSON; `datapackage.json` describes the fields (Frictionless "
              "Data Package). In the CSV files, cells starting with = + - @ are prefixed with an "
              "apostrophe so that spreadsheets do not run them.", "",
              f"Licence: {settings.SAMSKAB_DATA_LICENCE} ({catalogue.licence_uri()}).", ""]
    for table in TABLES:
        lines += [f"### {table.name}: {table.title_en} ({counts.get(table.name, 0)} rows)", "",
                  "| field | type | meaning |", "| --- | --- | --- |"]
        lines += [f"| {c.name} | {c.type} | {c.en} |" for c in table.columns]
        lines.append("")
    return "\n".join(lines)


LICENCE_NOTICE = (
    "Data: {licence} ({uri}).\n\n"
    "Dansk: Data i denne fil må bruges frit, også kommercielt, på de vilkår licensen "
    "angiver.\nEnglish: The data in this file may be used freely, commercially too, on the "
    "terms of the licence named above.\n"
)


def release_build(consultation: Consultation) -> DataRelease | None:
    """Build the consultation's bulk file; a new DataRelease when the data changed, else None.

    Only closed consultations have published responses; for others nothing is built."""
    if consultation.closes_at > timezone.now():
        return None
    now = timezone.now()
    stamp = timezone.localtime(now).timetuple()[:6]
    digest = hashlib.sha256()
    counts: dict[str, int] = {}
    with tempfile.TemporaryFile() as handle:
        with zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED) as archive:
            for table in TABLES:
                counts[table.name] = _write_table(archive, table, consultation, digest, stamp)
            package = datapackage(consultation, counts)
            archive.writestr(zipfile.ZipInfo("datapackage.json", date_time=stamp),
                             json.dumps(package, ensure_ascii=False, indent=2),
                             zipfile.ZIP_DEFLATED)
            archive.writestr(zipfile.ZipInfo("README.md", date_time=stamp),
                             readme(consultation, counts), zipfile.ZIP_DEFLATED)
            archive.writestr(zipfile.ZipInfo("LICENSE.txt", date_time=stamp),
                             LICENCE_NOTICE.format(licence=settings.SAMSKAB_DATA_LICENCE,
                                                   uri=catalogue.licence_uri()),
                             zipfile.ZIP_DEFLATED)
        digest.update(settings.SAMSKAB_DATA_LICENCE.encode())
        fingerprint = digest.hexdigest()
        latest = latest_release(consultation)
        if latest is not None and latest.fingerprint == fingerprint:
            return None
        handle.seek(0)
        file_hash = hashlib.sha256()
        size = 0
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            file_hash.update(chunk)
            size += len(chunk)
        handle.seek(0)
        name = f"{consultation.slug}-{timezone.localtime(now):%Y%m%d-%H%M%S}.zip"
        with transaction.atomic():
            release = DataRelease(consultation=consultation, sha256=file_hash.hexdigest(),
                                  size=size, fingerprint=fingerprint, counts=counts)
            release.file.save(name, File(handle, name=name), save=False)
            release.save()
    return release


def latest_release(consultation: Consultation) -> DataRelease | None:
    return consultation.data_releases.order_by("-created_at", "-id").first()


def releases_refresh() -> list[DataRelease]:
    """Rebuild the bulk files of closed consultations whose data may have changed since their
    newest release (a staff change was audited since, or there is no release yet)."""
    made = []
    last_change = AuditEvent.objects.order_by("-created_at").values_list(
        "created_at", flat=True).first()
    for consultation in Consultation.objects.closed().order_by("closes_at"):
        latest = latest_release(consultation)
        if latest is not None and (last_change is None or latest.created_at >= last_change):
            continue
        release = release_build(consultation)
        if release is not None:
            made.append(release)
    return made
