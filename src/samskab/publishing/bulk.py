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

from samskab.consultations.models import Consultation
from samskab.core.models import AuditEvent
from samskab.core.text import csv_safe_cell
from samskab.plans.models import ActionPlan
from samskab.publishing import catalogue, selectors
from samskab.publishing import tracking_selectors as plans_read
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
    for record in selectors.response_records(consultation):
        yield {**record, "consultation": consultation.slug}


def _idea_rows(consultation: Consultation) -> Iterator[dict[str, Any]]:
    for idea in selectors.notat_ideas(consultation):
        yield {"id": idea.idea_id, "consultation": consultation.slug, "label": idea.label,
               "keywords": idea.keywords, "responses": idea.references, "quote": idea.quote,
               "position_kind": idea.position_kind, "position": idea.justification,
               "changes": idea.changes}


def _position_rows(consultation: Consultation) -> Iterator[dict[str, Any]]:
    for item in selectors.you_said_we_did(consultation).items:
        idea = int(item.anchor.removeprefix("ide-")) if item.anchor.startswith("ide-") else None
        yield {"id": item.anchor, "consultation": consultation.slug, "idea": idea,
               "label": item.label, "single_proposal": item.single,
               "responses": item.responses, "public_responses": item.public_responses,
               "organisations": item.organisations, "kind": item.kind,
               "justification_da": item.justification_da,
               "justification_en": item.justification_en,
               "existing_strategy": item.existing_strategy,
               "commitments": item.commitment_ref}


def _campaign_rows(consultation: Consultation) -> Iterator[dict[str, Any]]:
    for number, campaign in enumerate(selectors.campaigns(consultation,
                                                          excerpt_chars=100_000), start=1):
        yield {"number": number, "consultation": consultation.slug, "label": campaign.label,
               "size": campaign.size, "common_text": campaign.excerpt}


def _proposal_rows(consultation: Consultation) -> Iterator[dict[str, Any]]:
    idea_ids = [idea.idea_id for idea in selectors.notat_ideas(consultation)]
    for row in selectors.source_proposals(idea_ids=idea_ids, proposal_ids=[]):
        if row["response__consultation__slug"] != consultation.slug:
            continue
        yield {"id": row["pk"], "idea": row["idea_id"], "response": row["response__reference"],
               "consultation": consultation.slug, "sender": row["sender"], "text": row["text"]}


# Columns and links that several files share.
_CONSULTATION = Column("consultation", "string", "Høringens korte navn", "The consultation's key")
_TO_CONSULTATION = ("consultation", "consultation", "slug")
_TITLES = (Column("title_da", "string", "Titel på dansk", "Title in Danish"),
           Column("title_en", "string", "Titel på engelsk", "Title in English"))
_KEY = Column("id", "integer", "Nøgle", "Key")
_NAME = Column("label", "string", "Navn", "Name")
_PLAN = Column("plan", "string", "Planen", "The plan")
_TO_PLAN = ("plan", "plan", "slug")
_COMMITMENT = Column("commitment", "integer", "Forpligtelsen", "The commitment")
_TO_COMMITMENT = ("commitment", "commitments", "id")

TABLES: tuple[Table, ...] = (
    Table("consultation", "Høringen", "The consultation", (
        Column("slug", "string", "Høringens korte navn (nøgle)", "The consultation's key"),
        *_TITLES,
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
        _CONSULTATION,
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
        foreign_keys=(_TO_CONSULTATION,)),
    Table("ideas", "Idéer fra høringen", "Ideas raised in the consultation", (
        Column("id", "integer", "Idéens nummer (nøgle)", "The idea's key"),
        _CONSULTATION,
        Column("label", "string", "Idéens navn (givet af medarbejdere, ellers et nummer)",
               "The idea's name (given by staff, else a number)"),
        Column("keywords", "array", "Kontrollerede nøgleord (JSON)", "Checked keywords (JSON)"),
        Column("responses", "array", "Referencenumre på svar der rejste idéen (JSON)",
               "References of the responses that raised it (JSON)"),
        Column("quote", "string", "Citat fra et offentliggjort svar", "Quote from a published "
               "response"),
        Column("position_kind", "string", "Myndighedens stillingtagen (type)",
               "The authority's position (kind)"),
        Column("position", "string", "Begrundelse", "Justification"),
        Column("changes", "string", "Hvad det førte til (forpligtelser)", "What it led to "
               "(commitments)"),
    ), _idea_rows, primary_key=("id",),
        foreign_keys=(_TO_CONSULTATION,)),
    Table("positions", "Det sagde I – det gør vi", "The reasoned response", (
        Column("id", "string", "Nøgle (ide-N eller forslag-N)", "Key (ide-N or forslag-N)"),
        _CONSULTATION,
        Column("idea", "integer", "Idéen (tom for enkeltforslag)", "The idea (empty for single "
               "proposals)"),
        _NAME,
        Column("single_proposal", "boolean", "Et enkelt forslag", "A single proposal"),
        Column("responses", "integer", "Antal svar", "Number of responses"),
        Column("public_responses", "integer", "Antal offentliggjorte svar",
               "Number of published responses"),
        Column("organisations", "array", "Organisationer (JSON)", "Organisations (JSON)"),
        Column("kind", "string", "Stillingtagen", "Position"),
        Column("justification_da", "string", "Begrundelse (dansk)", "Justification (Danish)"),
        Column("justification_en", "string", "Begrundelse (engelsk)",
               "Justification (English)"),
        Column("existing_strategy", "string", "Eksisterende strategi", "Existing strategy"),
        Column("commitments", "string", "Forpligtelser det blev til", "Commitments it became"),
    ), _position_rows, primary_key=("id",),
        foreign_keys=(_TO_CONSULTATION,)),
    Table("campaigns", "Kampagner", "Form-letter campaigns", (
        Column("number", "integer", "Kampagnens nummer (nøgle)", "The campaign's key"),
        _CONSULTATION,
        _NAME,
        Column("size", "integer", "Antal svar", "Number of responses"),
        Column("common_text", "string", "Den fælles tekst, som ét offentliggjort svar lyder",
               "The common text, as one published response reads"),
    ), _campaign_rows, primary_key=("number",),
        foreign_keys=(_TO_CONSULTATION,)),
    Table("proposals", "Forslag i offentliggjorte svar", "Proposals in published responses", (
        Column("id", "integer", "Forslagets nummer (nøgle)", "The proposal's key"),
        Column("idea", "integer", "Idéen forslaget hører til", "The idea it belongs to"),
        Column("response", "string", "Svarets referencenummer", "The response's reference"),
        _CONSULTATION,
        Column("sender", "string", "Afsender som offentliggjort", "Sender as published"),
        Column("text", "string", "Forslagets tekst, når den står uændret i den offentliggjorte "
               "udgave", "The proposal's text when unchanged in the published version"),
    ), _proposal_rows, primary_key=("id",),
        foreign_keys=(_TO_CONSULTATION, ("idea", "ideas", "id"),
                      ("response", "responses", "id"))),
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
    return _package(
        TABLES, counts, name=f"samskab-{consultation.slug}".lower(),
        title=f"Samskab: {consultation.title_da}", description=consultation.summary_da,
        homepage=settings.SITE_URL.rstrip("/") + reverse("consultations:detail",
                                                         args=[consultation.slug]))


def _package(tables: tuple[Table, ...], counts: dict[str, int], *, name: str, title: str,
             description: str, homepage: str) -> dict[str, Any]:
    licence = settings.SAMSKAB_DATA_LICENCE
    resources = []
    for table in tables:
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
        if not counts.get(table.name):
            continue  # an empty JSON array is no tabular resource; the CSV describes it
        resources.append({
            "name": f"{table.name}-json", "path": f"{table.name}.json", "format": "json",
            "mediatype": "application/json", "encoding": "utf-8",
            "profile": "tabular-data-resource", "title": table.title_en,
            "description": table.title_da,
            "schema": {key: value for key, value in schema.items() if key != "foreignKeys"},
        })
    return {
        "profile": "tabular-data-package",
        "name": name,
        "title": title,
        "description": description,
        "homepage": homepage,
        "licenses": [{"name": licence, "path": catalogue.licence_uri(),
                      "title": licence}],
        "created": timezone.now().isoformat(timespec="seconds"),
        "resources": resources,
        "x-row-counts": counts,
    }


def readme(consultation: Consultation | None, counts: dict[str, int], *,
           tables: tuple[Table, ...] | None = None, title: str = "") -> str:
    tables = TABLES if tables is None else tables
    lines = [f"# {title or consultation.title_da}", "",
             "## Dansk", "",
             "Offentlige data fra processen, som de er offentliggjort i Samskab: kun "
             "offentliggjorte høringssvar i deres offentliggjorte udgave (personoplysninger "
             "maskeret). Hver tabel findes som CSV (UTF-8, komma) og JSON; `datapackage.json` "
             "beskriver felterne (Frictionless Data Package). Celler der begynder med = + - @ "
             "har fået en apostrof foran i CSV-filerne, så regneark ikke udfører dem.", "",
             f"Licens: {settings.SAMSKAB_DATA_LICENCE} ({catalogue.licence_uri()}).", ""]
    for table in tables:
        lines += [f"### {table.name}.csv / {table.name}.json: {table.title_da} "
                  f"({counts.get(table.name, 0)} rækker)", "",
                  "| felt | type | betydning |", "| --- | --- | --- |"]
        lines += [f"| {c.name} | {c.type} | {c.da} |" for c in table.columns]
        lines.append("")
    lines += ["## English", "",
              "Public data of the process as published in Samskab: published responses "
              "only, in their published version (personal data masked). Each table comes as "
              "CSV (UTF-8, comma) and JSON; `datapackage.json` describes the fields (Frictionless "
              "Data Package). In the CSV files, cells starting with = + - @ are prefixed with an "
              "apostrophe so that spreadsheets do not run them.", "",
              f"Licence: {settings.SAMSKAB_DATA_LICENCE} ({catalogue.licence_uri()}).", ""]
    for table in tables:
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
    return _build(TABLES, consultation, latest_release(consultation),
                  package=lambda counts: datapackage(consultation, counts),
                  readme_text=lambda counts: readme(consultation, counts),
                  release=lambda: DataRelease(consultation=consultation))


def _build(tables: tuple[Table, ...], subject: Any, latest: DataRelease | None, *,
           package: Callable[[dict[str, int]], dict[str, Any]],
           readme_text: Callable[[dict[str, int]], str],
           release: Callable[[], DataRelease]) -> DataRelease | None:
    now = timezone.now()
    stamp = timezone.localtime(now).timetuple()[:6]
    digest = hashlib.sha256()
    counts: dict[str, int] = {}
    with tempfile.TemporaryFile() as handle:
        with zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED) as archive:
            for table in tables:
                counts[table.name] = _write_table(archive, table, subject, digest, stamp)
            archive.writestr(zipfile.ZipInfo("datapackage.json", date_time=stamp),
                             json.dumps(package(counts), ensure_ascii=False, indent=2),
                             zipfile.ZIP_DEFLATED)
            archive.writestr(zipfile.ZipInfo("README.md", date_time=stamp),
                             readme_text(counts), zipfile.ZIP_DEFLATED)
            archive.writestr(zipfile.ZipInfo("LICENSE.txt", date_time=stamp),
                             LICENCE_NOTICE.format(licence=settings.SAMSKAB_DATA_LICENCE,
                                                   uri=catalogue.licence_uri()),
                             zipfile.ZIP_DEFLATED)
        digest.update(settings.SAMSKAB_DATA_LICENCE.encode())
        fingerprint = digest.hexdigest()
        if latest is not None and latest.fingerprint == fingerprint:
            return None
        handle.seek(0)
        file_hash = hashlib.sha256()
        size = 0
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            file_hash.update(chunk)
            size += len(chunk)
        handle.seek(0)
        prefix = "plan-" if isinstance(subject, ActionPlan) else ""
        name = f"{prefix}{subject.slug}-{timezone.localtime(now):%Y%m%d-%H%M%S}.zip"
        with transaction.atomic():
            made = release()
            made.sha256, made.size = file_hash.hexdigest(), size
            made.fingerprint, made.counts = fingerprint, counts
            made.file.save(name, File(handle, name=name), save=False)
            made.save()
    return made


def latest_release(consultation: Consultation) -> DataRelease | None:
    return consultation.data_releases.order_by("-created_at", "-id").first()


def latest_plan_release(plan: ActionPlan) -> DataRelease | None:
    return plan.data_releases.order_by("-created_at", "-id").first()


# --- per action plan --------------------------------------------------------------------------


def _d(value) -> str | None:
    return value.isoformat() if value else None


def _plan_rows(plan: ActionPlan) -> Iterator[dict[str, Any]]:
    yield {"slug": plan.slug, "country": plan.country,
           "title_da": selectors.public_text(plan.title_da),
           "title_en": selectors.public_text(plan.title_en), "status": plan.status,
           "period_start": _d(plan.period_start), "period_end": _d(plan.period_end),
           "consultation": plan.consultation.slug if plan.consultation_id
           and plan.consultation.published_at <= timezone.now() else None,
           "url": settings.SITE_URL.rstrip("/") + reverse("tracking_public:plan",
                                                          args=[plan.slug])}


def _commitment_rows(plan: ActionPlan) -> Iterator[dict[str, Any]]:
    t = selectors.public_text
    for c in plans_read.public_commitments(plan):
        yield {"id": c.pk, "plan": plan.slug, "identifier": c.identifier,
               "title_da": t(c.title_da), "title_en": t(c.title_en),
               "problem_da": t(c.problem_da), "description_da": t(c.description_da),
               "ambition_da": t(c.ambition_da), "themes": [t(str(x)) for x in c.themes or []],
               "lead_agency": t(c.lead_agency.name) if c.lead_agency_id else "",
               "period_start": _d(c.period_start), "period_end": _d(c.period_end)}


def _milestone_rows(plan: ActionPlan) -> Iterator[dict[str, Any]]:
    t = selectors.public_text
    for m in plans_read.public_milestones(plan):
        yield {"id": m.pk, "commitment": m.commitment_id, "identifier": m.identifier,
               "title_da": t(m.title_da), "title_en": t(m.title_en),
               "deliverable_da": t(m.deliverable_da), "start": _d(m.start), "end": _d(m.end),
               "status": m.status}


def _source_rows(plan: ActionPlan) -> Iterator[dict[str, Any]]:
    """The golden link, only as far as the public read model shows it."""
    commitment_ids = list(plans_read.public_commitments(plan).values_list("pk", flat=True))
    yield from plans_read.public_commitment_sources(commitment_ids)


def _progress_rows(plan: ActionPlan) -> Iterator[dict[str, Any]]:
    for u in plans_read.public_progress(plan):
        yield {"id": u.pk, "milestone": u.milestone_id, "status": u.status,
               "reported_on": _d(u.reported_on), "note": selectors.public_text(u.note),
               "links": [selectors.public_text(str(x)) for x in u.links or []]}


def _assessment_rows(plan: ActionPlan) -> Iterator[dict[str, Any]]:
    for a in plans_read.public_assessments(plan):
        yield {"commitment": a.commitment_id, "framework": a.framework,
               "specificity": a.specificity, "verifiable": a.verifiable,
               "potential_impact": a.potential_impact, "completion": a.completion,
               "did_it_open_government": a.did_it_open_government,
               "starred": a.starred, "assessed_on": _d(a.assessed_on),
               "note": selectors.public_text(a.note)}


def _meeting_rows(plan: ActionPlan) -> Iterator[dict[str, Any]]:
    meetings, _cadence = plans_read.public_forum(plan)
    t = selectors.public_text
    for m in meetings:
        yield {"id": m.pk, "plan": plan.slug, "held_on": _d(m.held_on),
               "government": [t(str(x)) for x in m.government or []],
               "civil_society": [t(str(x)) for x in m.civil_society or []],
               "minutes": t(m.minutes), "decisions": t(m.decisions)}


PLAN_TABLES: tuple[Table, ...] = (
    Table("plan", "Handlingsplanen", "The action plan", (
        Column("slug", "string", "Planens korte navn (nøgle)", "The plan's key"),
        Column("country", "string", "Land", "Country"),
        *_TITLES,
        Column("status", "string", "Status", "Status"),
        Column("period_start", "date", "Periode fra", "Period from"),
        Column("period_end", "date", "Periode til", "Period to"),
        Column("consultation", "string", "Høringen bag planen", "The consultation behind it"),
        Column("url", "string", "Planens side", "The plan's page"),
    ), _plan_rows, primary_key=("slug",)),
    Table("commitments", "Forpligtelser", "Commitments", (
        _KEY,
        _PLAN,
        Column("identifier", "string", "Nummer (fx DK0001)", "Number (e.g. DK0001)"),
        *_TITLES,
        Column("problem_da", "string", "Problemet", "The problem"),
        Column("description_da", "string", "Hvad forpligtelsen er", "What the commitment is"),
        Column("ambition_da", "string", "Ambition", "Ambition"),
        Column("themes", "array", "Temaer (JSON)", "Themes (JSON)"),
        Column("lead_agency", "string", "Ansvarlig myndighed", "Lead agency"),
        Column("period_start", "date", "Start", "Start"),
        Column("period_end", "date", "Slut", "End"),
    ), _commitment_rows, primary_key=("id",), foreign_keys=(_TO_PLAN,)),
    Table("milestones", "Milepæle", "Milestones", (
        _KEY,
        _COMMITMENT,
        Column("identifier", "string", "Nummer", "Number"),
        Column("title_da", "string", "Aktivitet på dansk", "Activity in Danish"),
        Column("title_en", "string", "Aktivitet på engelsk", "Activity in English"),
        Column("deliverable_da", "string", "Leverance", "Deliverable"),
        Column("start", "date", "Start", "Start"),
        Column("end", "date", "Slut", "End"),
        Column("status", "string", "Status", "Status"),
    ), _milestone_rows, primary_key=("id",),
        foreign_keys=(_TO_COMMITMENT,)),
    Table("sources", "Hvor forpligtelserne kommer fra", "Where the commitments came from", (
        _KEY,
        _COMMITMENT,
        Column("idea", "integer", "Idéen i høringens data", "The idea in the consultation's data"),
        Column("proposal", "integer", "Forslaget i høringens data",
           "The proposal in the consultation's data"),
        Column("response", "string", "Høringssvarets referencenummer", "The response's reference"),
        Column("consultation", "string", "Høringens korte navn", "The consultation's key"),
    ), _source_rows, primary_key=("id",),
        foreign_keys=(_TO_COMMITMENT,)),
    Table("progress", "Fremdrift", "Progress", (
        _KEY,
        Column("milestone", "integer", "Milepælen", "The milestone"),
        Column("status", "string", "Status", "Status"),
        Column("reported_on", "date", "Dato", "Date"),
        Column("note", "string", "Note", "Note"),
        Column("links", "array", "Links til dokumentation (JSON)", "Links to evidence (JSON)"),
    ), _progress_rows, primary_key=("id",),
        foreign_keys=(("milestone", "milestones", "id"),)),
    Table("assessments", "Vurderinger", "Assessments", (
        Column("commitment", "integer", "Forpligtelsen (nøgle)", "The commitment (key)"),
        Column("framework", "string", "IRM-ramme", "IRM framework"),
        Column("specificity", "string", "Specificitet", "Specificity"),
        Column("verifiable", "boolean", "Verificerbar", "Verifiable"),
        Column("potential_impact", "string", "Potentiel virkning", "Potential impact"),
        Column("completion", "string", "Gennemførelse", "Completion"),
        Column("did_it_open_government", "string", "Åbnede det forvaltningen",
           "Did it open government"),
        Column("starred", "boolean", "Stjernemarkeret", "Starred"),
        Column("assessed_on", "date", "Vurderet", "Assessed on"),
        Column("note", "string", "Note", "Note"),
    ), _assessment_rows, primary_key=("commitment",),
        foreign_keys=(_TO_COMMITMENT,)),
    Table("forum_meetings", "Møder i multi-aktør-forummet", "Forum meetings", (
        _KEY,
        _PLAN,
        Column("held_on", "date", "Dato", "Date"),
        Column("government", "array", "Myndigheder (JSON)", "Government (JSON)"),
        Column("civil_society", "array", "Civilsamfundet (JSON)", "Civil society (JSON)"),
        Column("minutes", "string", "Referat", "Minutes"),
        Column("decisions", "string", "Beslutninger", "Decisions"),
    ), _meeting_rows, primary_key=("id",), foreign_keys=(_TO_PLAN,)),
)


def plan_release_build(plan: ActionPlan) -> DataRelease | None:
    """Build a public plan's bulk file; a new DataRelease when the data changed, else None."""
    if not plans_read.public_plans().filter(pk=plan.pk).exists():
        return None
    title = f"Samskab: {plan.title_da}"
    return _build(PLAN_TABLES, plan, latest_plan_release(plan),
                  package=lambda counts: _package(
                      PLAN_TABLES, counts, name=f"samskab-plan-{plan.slug}".lower(),
                      title=title, description=plan.title_en or plan.title_da,
                      homepage=settings.SITE_URL.rstrip("/") + reverse(
                          "tracking_public:plan", args=[plan.slug])),
                  readme_text=lambda counts: readme(None, counts, tables=PLAN_TABLES,
                                                    title=plan.title_da),
                  release=lambda: DataRelease(plan=plan))


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
    for plan in plans_read.public_plans():
        latest = latest_plan_release(plan)
        if latest is not None and (last_change is None or latest.created_at >= last_change):
            continue
        release = plan_release_build(plan)
        if release is not None:
            made.append(release)
    return made
